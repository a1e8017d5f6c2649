import { useMemo, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  ContentHeader,
  InfoCard,
  Link,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { CacheHealth } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { PluginPage } from '../PluginPage';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { CacheStatusChip } from '../CacheStatusChip';
import { runnerClassEntityPath } from '../entityRefs';
import { RelativeTime } from '../RelativeTime';
import { CacheHistoryChart } from './CacheHistoryChart';
import { formatCacheSize } from './formatCacheSize';
import { AsyncContent } from '../AsyncContent';

const REFRESH_MS = 15000;
const PERIODS = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3 } as const;

const columns: TableColumn<CacheHealth>[] = [
  { title: 'Cache', field: 'name', highlight: true },
  { title: 'Kind', field: 'kind' },
  {
    title: 'Status',
    field: 'status',
    render: c => (
      <CacheStatusChip
        status={c.status}
        label={c.checkedAt ? c.status : 'unknown (never probed)'}
      />
    ),
  },
  {
    title: 'Latency',
    field: 'latencyMs',
    align: 'right',
    cellStyle: { whiteSpace: 'nowrap' },
    render: c => (c.latencyMs === null ? '—' : `${c.latencyMs} ms`),
  },
  {
    title: 'Size / capacity',
    field: 'sizeBytes',
    align: 'right',
    cellStyle: { whiteSpace: 'nowrap' },
    render: c =>
      c.sizeBytes === null && c.capacityBytes === null
        ? '—'
        : `${formatCacheSize(c.sizeBytes)} / ${formatCacheSize(
            c.capacityBytes,
          )}`,
  },
  {
    title: 'Why',
    field: 'message',
    render: c =>
      c.message ??
      (c.remoteExecution ? `remote execution: ${c.remoteExecution}` : ''),
  },
  {
    title: 'Used by',
    field: 'runnerClasses',
    render: c => (
      <Stack spacing={0.25}>
        {c.runnerClasses.map(rc => (
          <Link key={rc} to={runnerClassEntityPath(rc)}>
            {rc}
          </Link>
        ))}
      </Stack>
    ),
  },
  {
    title: 'Checked',
    field: 'checkedAt',
    render: c => <RelativeTime iso={c.checkedAt} />,
  },
];

/** Latency and availability history of one cache, with a period picker. */
export function CacheHistoryCard({ name }: { name: string }) {
  const api = useApi(gloriousFlywheelApiRef);
  const [period, setPeriod] = useState<keyof typeof PERIODS>('1h');
  const until = useMemo(() => Date.now(), [period]); // eslint-disable-line react-hooks/exhaustive-deps
  const since = until - PERIODS[period];
  const history = usePolling(
    () =>
      api.getCacheHistory(name, {
        since: new Date(since).toISOString(),
        limit: 5000,
      }),
    [api, name, since],
    REFRESH_MS,
  );
  return (
    <InfoCard
      title={`History of ${name}`}
      action={
        <TextField
          select
          size="small"
          label="Period"
          value={period}
          onChange={e => setPeriod(e.target.value as keyof typeof PERIODS)}
        >
          {Object.keys(PERIODS).map(p => (
            <MenuItem key={p} value={p}>
              last {p}
            </MenuItem>
          ))}
        </TextField>
      }
    >
      <AsyncContent state={history}>
        {value => (
          <>
            <CacheHistoryChart
              points={value.items}
              since={since}
              until={Date.now()}
            />
            <Typography variant="caption" color="text.secondary">
              {value.items.length} probes
              {value.truncated ? ' (older probes in this period left out)' : ''}
            </Typography>
          </>
        )}
      </AsyncContent>
    </InfoCard>
  );
}

/** Health of the shared build caches (Attic, Bazel) with history, stale endpoints and dependents. */
export function CachesPage() {
  const api = useApi(gloriousFlywheelApiRef);
  const caches = usePolling(() => api.getCaches(), [api], REFRESH_MS);
  const [selected, setSelected] = useState<string | null>(null);
  const items = caches.value?.items ?? [];
  const current = selected ?? items[0]?.name ?? null;

  const body = (
    <AsyncContent
      state={caches}
      isEmpty={v => !v.items.length}
      empty={{
        missing: 'info',
        title: 'No caches configured',
        description:
          'List the Attic and Bazel caches under gloriousflywheel.caches in app-config (see docs/caches.md).',
      }}
    >
      {() => (
        <Stack spacing={2}>
          {items
            .filter(c => c.staleEndpoint)
            .map(c => (
              <Alert
                severity="warning"
                key={`stale-${c.name}`}
                data-testid={`stale-${c.name}`}
              >
                Cache <b>{c.name}</b> points at a stale endpoint (
                {c.staleEndpoint!.pattern}): {c.staleEndpoint!.message}
              </Alert>
            ))}
          <Table<CacheHealth>
            title="Build caches"
            options={{
              paging: false,
              search: false,
              padding: 'dense',
              draggable: false,
            }}
            columns={columns}
            data={items}
            onRowClick={(_e, row) => row && setSelected(row.name)}
          />
          {current && <CacheHistoryCard name={current} />}
        </Stack>
      )}
    </AsyncContent>
  );

  return (
    <PluginPage
      title="Build caches"
      subtitle="Attic Nix cache and Bazel remote cache shared by every runner class"
    >
      <ContentHeader title="Health and history">
        <SupportButton>
          Probed on a schedule from the backend (endpoints come from config
          only). Select a row to see its history.
        </SupportButton>
      </ContentHeader>
      {body}
    </PluginPage>
  );
}
