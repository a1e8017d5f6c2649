import { useEffect, useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { useApi } from '@backstage/core-plugin-api';
import { ContentHeader, SupportButton } from '@backstage/core-components';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { PluginPage } from '../PluginPage';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { ClusterSyncBanner } from '../ClusterSyncBanner';
import { ScaleSetTable } from '../ScaleSetTable';
import { RunnerClassCard } from './RunnerClassCard';
import { SelectFilter } from '../SelectFilter';
import { AsyncContent, AsyncTable } from '../AsyncContent';

const REFRESH_MS = 10000;
/** scale sets per table page; the server sends one page at a time */
const PAGE_SIZE = 20;

/** Runner classes and their scale sets across every cluster, refreshed every 10 s. */
export function RunnerClassesPage() {
  const api = useApi(gloriousFlywheelApiRef);
  const classes = usePolling(() => api.getRunnerClasses(), [api], REFRESH_MS);
  // Cache health is extra context on the cards: if it fails to load, the cards still show.
  const caches = usePolling(() => api.getCaches(), [api], REFRESH_MS);
  // Queue figures too: without them the cards show the fleet alone.
  const queue = usePolling(() => api.getQueueStats(), [api], REFRESH_MS);
  const [page, setPage] = useState(0);
  // a new filter starts at its first page
  const [selected, setSelectedOnly] = useState<string | null>(null);
  const setSelected = (v: string | null) => {
    setSelectedOnly(v);
    setPage(0);
  };
  const [capability, setCapability] = useState('');
  const [cluster, setClusterOnly] = useState('');
  const setCluster = (v: string) => {
    setClusterOnly(v);
    setPage(0);
  };
  const [q, setQ] = useState('');
  // typing sends one request when it pauses, not one per key
  const [qSent, setQSent] = useState('');
  useDebounce(
    () => {
      if (q.trim() === qSent) return;
      setQSent(q.trim());
      setPage(0);
    },
    300,
    [q],
  );
  // The table's filters and page go to the server: it sends only the rows shown.
  const scaleSets = usePolling(
    () =>
      api.getScaleSets({
        runnerClass: selected ?? undefined,
        cluster: cluster || undefined,
        q: qSent || undefined,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      }),
    [api, selected, cluster, qSent, page],
    REFRESH_MS,
  );
  const total = scaleSets.value?.total;
  // the list shrank below this page (scale sets deleted): show its last page
  useEffect(() => {
    if (total !== undefined && page > 0 && page * PAGE_SIZE >= total)
      setPage(Math.max(0, Math.ceil(total / PAGE_SIZE) - 1));
  }, [total, page]);

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
      (!cluster || c.clusters.includes(cluster) || c.scaleSetCount === 0),
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
            <TextField
              size="small"
              label="Search scale sets"
              value={q}
              onChange={e => setQ(e.target.value)}
              inputProps={{ maxLength: 100 }}
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
                    s => s.runnerClass === c.name,
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
            {({ value: list, loading }) => (
              <ScaleSetTable
                title={
                  selected ? `Scale sets of ${selected}` : 'All scale sets'
                }
                scaleSets={list?.items ?? []}
                serverPage={{
                  page,
                  pageSize: PAGE_SIZE,
                  total: total ?? 0,
                  onPageChange: setPage,
                }}
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
