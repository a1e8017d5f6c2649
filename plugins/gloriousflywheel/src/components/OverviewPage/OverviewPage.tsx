import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import { PluginPage } from '../PluginPage';
import { RepoLookup } from './RepoLookup';
import { FleetGlance } from './FleetGlance';
import { CachesGlance } from './CachesGlance';
import { MigrationGlance } from './MigrationGlance';
import { RecentControlActions } from './RecentControlActions';
import { SourcesFooter } from './SourcesFooter';

/**
 * The GloriousFlywheel landing page: look up a repository, then the fleet, the caches and the
 * migration at a glance, recent control actions for those who may read the audit log, and the
 * backend's sources as a footer. Each section loads, fails and refreshes on its own.
 */
export function OverviewPage() {
  return (
    <PluginPage
      title="GloriousFlywheel"
      subtitle="Pooled CI substrate: runner classes, build caches, migration tranches"
    >
      <Stack spacing={2}>
        <RepoLookup />
        {/* in a div: Stack's spacing would replace the Grid's negative margins and push it right */}
        <div>
          <Grid container spacing={2}>
            <Grid item xs={12} lg={7}>
              <Stack spacing={2}>
                <FleetGlance />
                <RecentControlActions />
              </Stack>
            </Grid>
            <Grid item xs={12} lg={5}>
              <Stack spacing={2}>
                <MigrationGlance />
                <CachesGlance />
              </Stack>
            </Grid>
          </Grid>
        </div>
        <SourcesFooter />
      </Stack>
    </PluginPage>
  );
}
