/* eslint-disable @backstage/no-self-package-imports, @backstage/no-undeclared-imports */
// A legacy app's components/catalog/EntityPage.tsx, cut down to its skeleton (overview content,
// service / website / default Component pages, the entityPage switch) plus a Resource page, with the
// plugin's tabs and card added. No About card: it needs @backstage/integration-react, which this
// package does not install. legacyApp.test.tsx renders it; the marked regions are README blocks,
// and a region used on several pages must read the same on each.
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
  EntityFleetContent,
  EntityRepoAdoptionCard,
  EntityRepoAdoptionContent,
  isFleetContentAvailable,
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
    {/* gloriousflywheel-readme:begin overview-card */}
    <EntitySwitch>
      <EntitySwitch.Case if={isRepoAdoptionAvailable}>
        <Grid item md={6}>
          <EntityRepoAdoptionCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
    {/* gloriousflywheel-readme:end overview-card */}
    <Grid item md={4} xs={12}>
      <EntityLinksCard />
    </Grid>
    <Grid item md={8} xs={12}>
      <EntityHasSubcomponentsCard variant="gridItem" />
    </Grid>
  </Grid>
);

const serviceEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:begin component-tab */}
    <EntityLayout.Route path="/runners" title="Runners & dogfood" if={isRepoAdoptionAvailable}>
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
    <EntityLayout.Route path="/runners" title="Runners & dogfood" if={isRepoAdoptionAvailable}>
      <EntityRepoAdoptionContent />
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:end component-tab */}
  </EntityLayout>
);

// Components of other types, and every kind without a page of its own.
const defaultEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:begin component-tab */}
    <EntityLayout.Route path="/runners" title="Runners & dogfood" if={isRepoAdoptionAvailable}>
      <EntityRepoAdoptionContent />
    </EntityLayout.Route>
    {/* gloriousflywheel-readme:end component-tab */}
  </EntityLayout>
);

const componentPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isComponentType('service')}>{serviceEntityPage}</EntitySwitch.Case>
    <EntitySwitch.Case if={isComponentType('website')}>{websiteEntityPage}</EntitySwitch.Case>
    <EntitySwitch.Case>{defaultEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);

// gloriousflywheel-readme:begin resource-page
const resourcePage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    <EntityLayout.Route path="/gloriousflywheel" title="Live state" if={isFleetContentAvailable}>
      <EntityFleetContent />
    </EntityLayout.Route>
  </EntityLayout>
);
// gloriousflywheel-readme:end resource-page

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isKind('component')} children={componentPage} />
    {/* gloriousflywheel-readme:begin resource-case */}
    <EntitySwitch.Case if={isKind('resource')} children={resourcePage} />
    {/* gloriousflywheel-readme:end resource-case */}
    <EntitySwitch.Case>{defaultEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);
