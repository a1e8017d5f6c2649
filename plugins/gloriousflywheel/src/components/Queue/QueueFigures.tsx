import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { QueueStats } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** Seconds as people read them: `45 s`, `3 min`, `1.5 h`; `—` without data. */
export function formatSeconds(s: number | null): string {
  if (s === null) return '—';
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** The hourly p95 of the last 24 h as a small bar chart; hours without started jobs stay empty. */
function QueueTrend({
  trend,
  label,
}: {
  trend: QueueStats['trend'];
  label: string;
}) {
  const max = Math.max(1, ...trend.map(t => t.p95Seconds ?? 0));
  const w = 4;
  return (
    <svg
      role="img"
      aria-label={`${label}: hourly p95 queue time over 24 h, highest ${formatSeconds(
        max,
      )}`}
      width={trend.length * (w + 1)}
      height={24}
      style={{ display: 'block' }}
    >
      {trend.map((t, i) => {
        const h =
          t.p95Seconds === null
            ? 0
            : Math.max(1, Math.round((t.p95Seconds / max) * 22));
        return (
          <rect
            key={t.hour}
            x={i * (w + 1)}
            y={24 - h}
            width={w}
            height={h}
            fill="currentColor"
            opacity={0.6}
          />
        );
      })}
    </svg>
  );
}

/**
 * Queued and running jobs now, queue time p50/p95 over 1 h and 24 h, and the hourly trend, of a
 * runner class or a scale set.
 */
export function QueueFigures({
  stats,
  label,
  testId,
}: {
  stats: QueueStats;
  label: string;
  testId?: string;
}) {
  const items: Array<[string, string | number]> = [
    ['queued', stats.queued],
    ['running jobs', stats.running],
    ['p50 1 h', formatSeconds(stats.p50Seconds1h)],
    ['p95 1 h', formatSeconds(stats.p95Seconds1h)],
    ['p50 24 h', formatSeconds(stats.p50Seconds24h)],
    ['p95 24 h', formatSeconds(stats.p95Seconds24h)],
  ];
  return (
    <Stack spacing={0.5} data-testid={testId}>
      <Stack
        direction="row"
        spacing={2}
        sx={{ flexWrap: 'wrap' }}
        component="dl"
        style={{ margin: 0 }}
      >
        {items.map(([name, value]) => (
          <div key={name}>
            <Typography
              component="dd"
              variant="body2"
              sx={{ m: 0, fontWeight: 600 }}
              color={
                name === 'queued' && stats.queued > 0
                  ? 'warning.dark'
                  : undefined
              }
            >
              {value}
            </Typography>
            <Typography component="dt" variant="caption" color="text.secondary">
              {name}
            </Typography>
          </div>
        ))}
      </Stack>
      <QueueTrend trend={stats.trend} label={label} />
    </Stack>
  );
}
