import { useApi } from '@backstage/core-plugin-api';
import { Link } from '@backstage/core-components';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  ADOPTION_STAGES,
  TrancheSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { StageChip } from '../VerdictChip';
import { RelativeTime } from '../RelativeTime';
import { Section } from './Section';
import { PAGE_PATHS } from './paths';
import { weekTrend } from './weekTrend';

const REFRESH_MS = 30000;

function TrendLine({ tranche }: { tranche: TrancheSummary }) {
  const t = weekTrend(tranche.trend, tranche.stages.adopted ?? 0, new Date());
  let text: string;
  if (t.kind === 'change') {
    const delta = t.adoptedNow - t.adoptedThen;
    text = `${delta > 0 ? '+' : ''}${delta} adopted since ${t.since} (${
      t.adoptedThen
    } → ${t.adoptedNow})`;
  } else if (t.kind === 'too-short') {
    text = `No trend since last week yet: daily history starts ${t.firstDay}`;
  } else {
    text = 'No trend yet: no daily history recorded';
  }
  return (
    <Typography
      variant="caption"
      color="text.secondary"
      data-testid={`trend-${tranche.name}`}
    >
      {text}
    </Typography>
  );
}

function TrancheRow({ tranche }: { tranche: TrancheSummary }) {
  const adopted = tranche.stages.adopted ?? 0;
  const label = `${tranche.title}: ${adopted} of ${tranche.repos} repositories adopted`;
  return (
    <Box data-testid={`overview-tranche-${tranche.name}`}>
      <Stack
        direction="row"
        justifyContent="space-between"
        alignItems="baseline"
        spacing={1}
      >
        <Typography variant="subtitle2">{tranche.title}</Typography>
        <Typography
          variant="body2"
          sx={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
        >
          {adopted} / {tranche.repos} adopted ({tranche.progress}%)
        </Typography>
      </Stack>
      <LinearProgress
        variant="determinate"
        value={tranche.progress}
        aria-label={label}
        sx={{ height: 8, borderRadius: 4, my: 0.5 }}
      />
      <Stack
        direction="row"
        spacing={1.5}
        useFlexGap
        sx={{ flexWrap: 'wrap', rowGap: 0.5 }}
        alignItems="center"
      >
        {ADOPTION_STAGES.map(s => (
          <Stack key={s} direction="row" spacing={0.5} alignItems="center">
            <StageChip stage={s} />
            <Typography
              variant="body2"
              sx={{ fontVariantNumeric: 'tabular-nums' }}
            >
              {tranche.stages[s] ?? 0}
            </Typography>
          </Stack>
        ))}
        <Typography
          variant="body2"
          color={tranche.blockers.length ? 'error.main' : 'text.secondary'}
        >
          {tranche.blockers.length} open blocker
          {tranche.blockers.length === 1 ? '' : 's'}
        </Typography>
      </Stack>
      <TrendLine tranche={tranche} />
    </Box>
  );
}

/** Progress of each migration tranche, its open blockers and its trend since last week. */
export function MigrationGlance() {
  const api = useApi(gloriousFlywheelApiRef);
  const state = usePolling(
    async () => {
      const [tranches, scan] = await Promise.all([
        api.getTranches(),
        api.getAdoptionScan(),
      ]);
      return { tranches: tranches.items, scan };
    },
    [api],
    REFRESH_MS,
  );
  return (
    <Section
      title="Migration"
      testId="overview-migration"
      state={state}
      // the figures are as old as the last finished scan, not as the request
      asOf={state.value ? state.value.scan.finishedAt : undefined}
      isEmpty={v => !v.tranches.length}
      empty={{
        title: 'No tranches yet',
        description:
          'Configure gloriousflywheel.github.orgs and gloriousflywheel.tranches (see docs/adoption.md).',
      }}
      action={<Link to={PAGE_PATHS.tranches}>Open all repositories</Link>}
    >
      {v => (
        <Stack spacing={2}>
          {v.scan.state === 'running' && (
            <Typography variant="body2">
              Scanning: {v.scan.reposDone} / {v.scan.reposTotal} repositories
            </Typography>
          )}
          {v.scan.state === 'failed' && (
            <Typography variant="body2" color="error.main">
              The last scan failed (<RelativeTime iso={v.scan.finishedAt} />
              ): {v.scan.lastError}
            </Typography>
          )}
          {v.tranches.map(t => (
            <TrancheRow key={t.name} tranche={t} />
          ))}
        </Stack>
      )}
    </Section>
  );
}
