/* eslint-disable @backstage/no-self-package-imports, @backstage/no-undeclared-imports */
// A legacy app's components/catalog/EntityPage.tsx cut down to its skeleton, with the plugin's tabs
// and card added. As in a stock app, Resources have no page of their own and get defaultEntityPage,
// so the Live state tab goes there. No About card: it needs @backstage/integration-react, which this
// package does not install. legacyApp.test.tsx renders it; the marked regions are README blocks, and
// a region used on several pages must read the same on each.
import Grid from '@material-ui/core/Grid';
import {
  EntityHasSubcomponentsCard,
  EntityLayout,
  EntityLinksCard,
  EntityOrphanWarning,
  EntitySwitch,
  isComponentType,
  isKind,
  isOrphan,
} from '@backstage/plugin-catalog';
// gloriousflywheel-readme:begin entity-imports
import {
  EntityGloriousFlywheelContent,
  EntityRepoAdoptionCard,
  EntityRepoAdoptionContent,
  isGloriousFlywheelContentAvailable,
  isRepoAdoptionAvailable,
} from '@tinyland/backstage-plugin-gloriousflywheel';
// gloriousflywheel-readme:end entity-imports

const entityWarningContent = (
  <EntitySwitch>
    <EntitySwitch.Case if={isOrphan}>
      <Grid item xs={12}>
        <EntityOrphanWarning />
      </Grid>
    </EntitySwitch.Case>
  </EntitySwitch>
);

const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    {entityWarningContent}
    <Grid item md={4} xs={12}>
      <EntityLinksCard />
    </Grid>
    <Grid item md={8} xs={12}>
      <EntityHasSubcomponentsCard variant="gridItem" />
    </Grid>
    {/* gloriousflywheel-readme:begin overview-card */}
    <EntitySwitch>
      <EntitySwitch.Case if={isRepoAdoptionAvailable}>
        <Grid item md={6} xs={12}>
          <EntityRepoAdoptionCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
    {/* gloriousflywheel-readme:end overview-card */}
  </Grid>
);

const serviceEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:begin component-tab */}
    <EntityLayout.Route
      path="/runners"
      title="Runners & dogfood"
      if={isRepoAdoptionAvailable}
    >
      <EntityRepoAdoptionContent />
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:end component-tab */}
  </EntityLayout>
);

const websiteEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:begin component-tab */}
    <EntityLayout.Route
      path="/runners"
      title="Runners & dogfood"
      if={isRepoAdoptionAvailable}
    >
      <EntityRepoAdoptionContent />
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:end component-tab */}
  </EntityLayout>
);

// Components of other types, and every kind without a page of its own (Resources among them).
const defaultEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:begin component-tab */}
    <EntityLayout.Route
      path="/runners"
      title="Runners & dogfood"
      if={isRepoAdoptionAvailable}
    >
      <EntityRepoAdoptionContent />
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:end component-tab */}
    {/* gloriousflywheel-readme:begin resource-tab */}
    <EntityLayout.Route
      path="/gloriousflywheel"
      title="Live state"
      if={isGloriousFlywheelContentAvailable}
    >
      <EntityGloriousFlywheelContent />
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:end resource-tab */}
  </EntityLayout>
);

const componentPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isComponentType('service')}>
      {serviceEntityPage}
    </EntitySwitch.Case>
    <EntitySwitch.Case if={isComponentType('website')}>
      {websiteEntityPage}
    </EntitySwitch.Case>
    <EntitySwitch.Case>{defaultEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isKind('component')} children={componentPage} />
    <EntitySwitch.Case>{defaultEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);
