import { useMemo, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { ContentHeader, SupportButton } from '@backstage/core-components';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { UNCLASSIFIED_RUNNER_CLASS } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { PluginPage } from '../PluginPage';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { ClusterSyncBanner } from '../ClusterSyncBanner';
import { ScaleSetTable } from '../ScaleSetTable';
import { RunnerClassCard } from './RunnerClassCard';
import { SelectFilter } from '../SelectFilter';
import { AsyncContent, AsyncTable } from '../AsyncContent';

const REFRESH_MS = 10000;

/** Runner classes and their scale sets across every cluster, refreshed every 10 s. */
export function RunnerClassesPage() {
  const api = useApi(gloriousFlywheelApiRef);
  const classes = usePolling(() => api.getRunnerClasses(), [api], REFRESH_MS);
  const scaleSets = usePolling(() => api.getScaleSets(), [api], REFRESH_MS);
  // Cache health is extra context on the cards: if it fails to load, the cards still show.
  const caches = usePolling(() => api.getCaches(), [api], REFRESH_MS);
  // Queue figures too: without them the cards show the fleet alone.
  const queue = usePolling(() => api.getQueueStats(), [api], REFRESH_MS);
  const [selected, setSelected] = useState<string | null>(null);
  const [capability, setCapability] = useState('');
  const [cluster, setCluster] = useState('');

  const capabilities = useMemo(
    () =>
      Array.from(
        new Set(classes.value?.items.flatMap(c => c.capabilities) ?? []),
      ).sort(),
    [classes.value],
  );
  const clusterNames = classes.value?.clusters.map(c => c.name) ?? [];
  const visibleClasses = (classes.value?.items ?? []).filter(
    c =>
      (!capability || c.capabilities.includes(capability)) &&
      (!cluster || c.clusters.includes(cluster) || c.scaleSets.length === 0),
  );
  const visibleScaleSets = (scaleSets.value?.items ?? []).filter(
    s =>
      (!selected ||
        (s.runnerClass ?? UNCLASSIFIED_RUNNER_CLASS) === selected) &&
      (!cluster || s.cluster === cluster),
  );

  const body = (
    <AsyncContent
      state={classes}
      isEmpty={v => !v.items.length}
      empty={{
        missing: 'info',
        title: 'No runner classes',
        description:
          'Configure gloriousflywheel.runnerClasses (or leave it out for the four tinyland classes) and gloriousflywheel.clusters in app-config.',
      }}
    >
      {value => (
        <>
          <ClusterSyncBanner clusters={value.clusters} />
          <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
            <SelectFilter
              label="Capability"
              value={capability}
              options={capabilities}
              onChange={setCapability}
              minWidth={160}
            />
            <SelectFilter
              label="Cluster"
              value={cluster}
              options={clusterNames}
              onChange={setCluster}
              minWidth={160}
            />
            <Typography
              variant="caption"
              color="text.secondary"
              sx={{ alignSelf: 'center' }}
            >
              {classes.error
                ? `refresh failed: ${classes.error.message}`
                : `refreshes every ${REFRESH_MS / 1000} s`}
            </Typography>
          </Stack>
          <Grid container spacing={2} sx={{ mb: 3 }}>
            {visibleClasses.map(c => (
              <Grid item xs={12} sm={6} xl={3} key={c.name}>
                <RunnerClassCard
                  summary={c}
                  caches={caches.value?.items.filter(k =>
                    k.runnerClasses.includes(c.name),
                  )}
                  queue={queue.value?.classes.find(
                    q => q.runnerClass === c.name,
                  )}
                  selected={selected === c.name}
                  onSelect={() =>
                    setSelected(selected === c.name ? null : c.name)
                  }
                />
              </Grid>
            ))}
          </Grid>
          <AsyncTable state={scaleSets}>
            {({ loading }) => (
              <ScaleSetTable
                title={
                  selected ? `Scale sets of ${selected}` : 'All scale sets'
                }
                scaleSets={visibleScaleSets}
                queue={queue.value?.scaleSets}
                loading={loading}
                onChanged={() => {
                  scaleSets.retry();
                  classes.retry();
                }}
              />
            )}
          </AsyncTable>
        </>
      )}
    </AsyncContent>
  );

  return (
    <PluginPage
      title="Runner classes"
      subtitle="Capacity classes of the pooled ARC runners, per cluster and owner"
    >
      <ContentHeader title="Classes and scale sets">
        <SupportButton>
          A runner class is a capability class (nix, docker, privileged dind,
          heavy) served by one or more ARC scale sets. Select a class to filter
          the scale sets below.
        </SupportButton>
      </ContentHeader>
      {body}
    </PluginPage>
  );
}
