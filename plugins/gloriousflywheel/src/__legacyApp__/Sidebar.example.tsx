/* eslint-disable @backstage/no-undeclared-imports */
// The sidebar of a legacy app's components/Root/Root.tsx with links to the plugin's pages. Icons come
// from @material-ui/icons, which a legacy app already has; the marked regions are README blocks.
import { PropsWithChildren } from 'react';
import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarPage,
} from '@backstage/core-components';
import HomeIcon from '@material-ui/icons/Home';
import MenuIcon from '@material-ui/icons/Menu';
// gloriousflywheel-readme:begin sidebar-imports
import DirectionsRunIcon from '@material-ui/icons/DirectionsRun';
import DnsIcon from '@material-ui/icons/Dns';
import StorageIcon from '@material-ui/icons/Storage';
import TimelineIcon from '@material-ui/icons/Timeline';
import HistoryIcon from '@material-ui/icons/History';
// gloriousflywheel-readme:end sidebar-imports

export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      <SidebarGroup label="Menu" icon={<MenuIcon />}>
        <SidebarItem icon={HomeIcon} to="catalog" text="Home" />
        <SidebarDivider />
        {/* gloriousflywheel-readme:begin sidebar-items */}
        <SidebarItem
          icon={DirectionsRunIcon}
          to="gloriousflywheel"
          text="GloriousFlywheel"
        />
        <SidebarItem
          icon={DnsIcon}
          to="gloriousflywheel/runner-classes"
          text="Runner classes"
        />
        <SidebarItem
          icon={StorageIcon}
          to="gloriousflywheel/caches"
          text="Build caches"
        />
        <SidebarItem
          icon={TimelineIcon}
          to="gloriousflywheel/tranches"
          text="Tranches"
        />
        <SidebarItem
          icon={HistoryIcon}
          to="gloriousflywheel/audit"
          text="Audit log"
        />
        {/* gloriousflywheel-readme:end sidebar-items */}
      </SidebarGroup>
    </Sidebar>
    {children}
  </SidebarPage>
);
