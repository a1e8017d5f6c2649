import { useApi } from '@backstage/core-plugin-api';
import { Link } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import {
  ClusterStatus,
  QueueStatsList,
  RunnerClassListItem,
  ScaleSet,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { runnerClassEntityPath, scaleSetEntityPath } from '../entityRefs';
import { RelativeTime } from '../RelativeTime';
import { formatSeconds } from '../Queue';
import { chipTextSx } from '../chipContrast';
import { Truncated } from '../Truncated';
import { Section } from './Section';
import { PAGE_PATHS } from './paths';

const REFRESH_MS = 15000;
const CLUSTER_COLOR = {
  synced: 'success',
  syncing: 'primary',
  stale: 'warning',
  error: 'error',
} as const;
const num = {
  align: 'right',
  sx: { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' },
} as const;

function ClusterChips({ clusters }: { clusters: ClusterStatus[] }) {
  if (!clusters.length)
    return <Typography variant="body2">No cluster configured.</Typography>;
  return (
    <Stack
      direction="row"
      spacing={1}
      useFlexGap
      sx={{ flexWrap: 'wrap', rowGap: 1 }}
      data-testid="overview-clusters"
    >
      {clusters.map(c => (
        <Stack key={c.name} direction="row" spacing={0.5} alignItems="center">
          <Chip
            size="small"
            color={CLUSTER_COLOR[c.state]}
            sx={chipTextSx(CLUSTER_COLOR[c.state])}
            label={`${c.name}: ${c.state}`}
            data-state={c.state}
          />
          <Typography variant="caption" color="text.secondary">
            {c.state === 'synced' ? (
              <RelativeTime iso={c.lastSyncAt} prefix="last event" />
            ) : (
              <RelativeTime iso={c.since} prefix={`${c.state} since`} />
            )}
          </Typography>
        </Stack>
      ))}
    </Stack>
  );
}

const queueOf = (queue: QueueStatsList | undefined, runnerClass: string) =>
  queue?.classes.find(q => q.runnerClass === runnerClass);

function ClassTable({
  classes,
  queue,
}: {
  classes: RunnerClassListItem[];
  queue?: QueueStatsList;
}) {
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table
        size="small"
        aria-label="Runner classes"
        sx={{ '& td, & th': { px: 1 } }}
      >
        <TableHead>
          <TableRow>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>Runner class</TableCell>
            <TableCell {...num}>Runners / max</TableCell>
            <TableCell {...num}>Pending</TableCell>
            <TableCell {...num}>Queued</TableCell>
            <TableCell {...num}>p95 wait, 1 h</TableCell>
            <TableCell {...num}>Failed</TableCell>
            <TableCell {...num}>Paused</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {classes.map(c => (
            <TableRow key={c.name} data-testid={`overview-class-${c.name}`}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                {c.unclassified ? (
                  'Unclassified scale sets'
                ) : (
                  <Link to={runnerClassEntityPath(c.name)}>{c.name}</Link>
                )}
              </TableCell>
              <TableCell {...num}>
                {c.runners.current} /{' '}
                {c.maxRunners === null ? '∞' : c.maxRunners}
              </TableCell>
              <TableCell {...num}>{c.runners.pending}</TableCell>
              <TableCell {...num}>
                {queueOf(queue, c.name)?.queued ?? '—'}
              </TableCell>
              <TableCell {...num}>
                {formatSeconds(queueOf(queue, c.name)?.p95Seconds1h ?? null)}
              </TableCell>
              <TableCell
                {...num}
                sx={{
                  ...num.sx,
                  color: c.runners.failed > 0 ? 'error.main' : undefined,
                }}
              >
                {c.runners.failed}
              </TableCell>
              <TableCell {...num}>{c.pausedScaleSets}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function PausedList({ paused }: { paused: ScaleSet[] }) {
  if (!paused.length) {
    return (
      <Typography variant="body2" data-testid="overview-paused">
        No scale set is paused.
      </Typography>
    );
  }
  return (
    <Table
      size="small"
      aria-label="Paused scale sets"
      data-testid="overview-paused"
    >
      <TableHead>
        <TableRow>
          <TableCell>Paused scale set</TableCell>
          <TableCell>By</TableCell>
          <TableCell>Since</TableCell>
          <TableCell>Reason</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {paused.map(s => (
          <TableRow key={`${s.cluster}/${s.namespace}/${s.name}`}>
            <TableCell>
              <Link to={scaleSetEntityPath(s)}>
                <Truncated text={`${s.cluster}/${s.namespace}/${s.name}`} />
              </Link>
            </TableCell>
            <TableCell>
              <Truncated text={s.paused!.by} maxWidth={200} />
            </TableCell>
            <TableCell>
              <RelativeTime iso={s.paused!.at} />
            </TableCell>
            <TableCell sx={{ overflowWrap: 'normal', wordBreak: 'normal' }}>
              {s.paused!.reason}
              {s.pauseReverted && (
                <Typography variant="body2" color="error" component="div">
                  pause reverted by {s.pauseReverted.by}{' '}
                  <RelativeTime iso={s.pauseReverted.at} />: runs jobs again
                </Typography>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Each runner class's capacity and failures, what is paused and how live each cluster's data is. */
export function FleetGlance() {
  const api = useApi(gloriousFlywheelApiRef);
  const state = usePolling(
    async () => {
      const [classes, scaleSets, queue] = await Promise.all([
        api.getRunnerClasses(),
        // only the paused list needs scale sets; the counts come from the class summaries
        api.getScaleSets({ paused: true }),
        // queue figures are extra: without them (no webhook yet, or an error) the fleet still shows
        Promise.resolve()
          .then(() => api.getQueueStats())
          .catch(() => undefined),
      ]);
      return { classes, paused: scaleSets.items, queue };
    },
    [api],
    REFRESH_MS,
  );
  return (
    <Section
      title="Fleet at a glance"
      testId="overview-fleet"
      state={state}
      isEmpty={v => !v.classes.items.length && !v.classes.clusters.length}
      empty={{
        title: 'No fleet configured',
        description:
          'List the clusters under gloriousflywheel.clusters in app-config (see docs/control.md).',
      }}
      action={<Link to={PAGE_PATHS.runnerClasses}>Open runner classes</Link>}
    >
      {v => (
        <Stack spacing={2}>
          <ClusterChips clusters={v.classes.clusters} />
          {v.classes.items.length ? (
            <ClassTable classes={v.classes.items} queue={v.queue} />
          ) : (
            <Typography variant="body2">
              No runner class has a scale set yet.
            </Typography>
          )}
          <PausedList paused={v.paused} />
        </Stack>
      )}
    </Section>
  );
}
