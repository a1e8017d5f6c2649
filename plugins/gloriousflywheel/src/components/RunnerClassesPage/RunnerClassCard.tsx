import Card from '@mui/material/Card';
import CardActionArea from '@mui/material/CardActionArea';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link } from '@backstage/core-components';
import {
  CacheHealth,
  QueueStats,
  RunnerClassListItem,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { QueueFigures } from '../Queue';
import { CacheStatusChip } from '../CacheStatusChip';
import { runnerClassEntityPath } from '../entityRefs';
import { chipTextSx } from '../chipContrast';
import { ContractChip } from '../RunnerClassContract';

function Figure({
  label,
  value,
  tone,
}: {
  label: string;
  value: string | number;
  tone?: 'warning' | 'error';
}) {
  return (
    <div>
      <Typography
        variant="h6"
        color={tone ? `${tone}.main` : undefined}
        sx={{ whiteSpace: 'nowrap' }}
        data-testid={`figure-${label}`}
      >
        {value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {label}
      </Typography>
    </div>
  );
}

/** One runner class at a glance: capabilities, capacity, queue, failures, where it runs. */
export function RunnerClassCard({
  summary,
  caches = [],
  queue,
  selected,
  onSelect,
}: {
  summary: RunnerClassListItem;
  /** the build caches this class depends on */
  caches?: CacheHealth[];
  /** jobs queued and running, queue times (absent until loaded) */
  queue?: QueueStats;
  selected: boolean;
  onSelect: () => void;
}) {
  const s = summary;
  return (
    <Card
      variant="outlined"
      sx={{
        height: '100%',
        borderColor: selected ? 'primary.main' : undefined,
        borderWidth: selected ? 2 : 1,
      }}
      data-testid={`runner-class-${s.name}`}
    >
      <CardActionArea
        onClick={onSelect}
        aria-pressed={selected}
        sx={{ height: '100%', alignItems: 'stretch' }}
      >
        <CardContent>
          <Stack
            direction="row"
            justifyContent="space-between"
            alignItems="baseline"
          >
            <Typography variant="h6" component="h2">
              {s.unclassified ? 'Unclassified scale sets' : s.name}
            </Typography>
            <Stack direction="row" spacing={0.5}>
              {s.contract && (
                <ContractChip
                  score={s.contract}
                  testId={`contract-${s.name}`}
                />
              )}
              {s.pausedScaleSets > 0 && (
                <Chip
                  size="small"
                  color="warning"
                  sx={chipTextSx('warning')}
                  label={`${s.pausedScaleSets} paused`}
                />
              )}
              {(s.pauseRevertedScaleSets ?? 0) > 0 && (
                <Chip
                  size="small"
                  color="error"
                  label={`${s.pauseRevertedScaleSets} pause reverted`}
                />
              )}
            </Stack>
          </Stack>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {s.unclassified ? 'match no configured runner class' : s.title}
          </Typography>
          <Stack
            direction="row"
            spacing={0.5}
            sx={{ mb: 1.5, flexWrap: 'wrap' }}
          >
            {s.capabilities.map(c => (
              <Chip key={c} size="small" label={c} variant="outlined" />
            ))}
          </Stack>
          <Stack direction="row" spacing={3} sx={{ mb: 1.5 }}>
            <Figure
              label="runners"
              value={`${s.runners.current} / ${
                s.maxRunners === null ? '∞' : s.maxRunners
              }`}
            />
            <Figure
              label="pending"
              value={s.runners.pending}
              tone={s.runners.pending > 0 ? 'warning' : undefined}
            />
            <Figure label="running" value={s.runners.running} />
            <Figure
              label="failed"
              value={s.runners.failed}
              tone={s.runners.failed > 0 ? 'error' : undefined}
            />
          </Stack>
          {queue && (
            <QueueFigures
              stats={queue}
              label={`runner class ${s.name}`}
              testId={`queue-${s.name}`}
            />
          )}
          <Typography variant="body2">
            {s.scaleSetCount === 0
              ? 'No scale set serves this class.'
              : `${s.scaleSetCount} scale set${
                  s.scaleSetCount === 1 ? '' : 's'
                } on ${s.clusters.join(', ')} for ${s.owners.join(', ')}`}
          </Typography>
          {caches.length > 0 && (
            <Stack
              direction="row"
              spacing={0.5}
              sx={{ mt: 1, flexWrap: 'wrap' }}
              data-testid={`caches-${s.name}`}
            >
              {caches.map(c => (
                <CacheStatusChip
                  key={c.name}
                  status={c.status}
                  label={`${c.name}: ${c.status}`}
                />
              ))}
            </Stack>
          )}
          {s.labels.length > 0 && (
            <Typography
              variant="caption"
              color="text.secondary"
              component="div"
            >
              runs-on: {s.labels.join(', ')}
            </Typography>
          )}
        </CardContent>
      </CardActionArea>
      {!s.unclassified && (
        <CardContent sx={{ pt: 0 }}>
          <Link to={runnerClassEntityPath(s.name)}>Catalog entity</Link>
        </CardContent>
      )}
    </Card>
  );
}
