import { useApi } from '@backstage/core-plugin-api';
import { Link } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Bar, ComposedChart, Line, YAxis } from 'recharts';
import {
  CacheHealth,
  CacheHistoryPoint,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { CacheStatusChip } from '../CacheStatusChip';
import { bucketHistory } from '../CachesPage/CacheHistoryChart';
import { RelativeTime } from '../RelativeTime';
import { Section } from './Section';
import { PAGE_PATHS } from './paths';

const REFRESH_MS = 15000;
const HOUR_MS = 3600e3;

/** The last hour of one cache: latency (line) over availability (bars), with the figures as its name. */
function CacheSparkline({
  name,
  points,
  until,
}: {
  name: string;
  points: CacheHistoryPoint[];
  until: number;
}) {
  // from the first probe when the history is younger than the hour, so a new cache's probes spread out
  const first = points.length
    ? Date.parse(points[0].checkedAt)
    : until - HOUR_MS;
  const data = bucketHistory(points, Math.max(until - HOUR_MS, first), until);
  const answered = points.filter(
    p => p.status === 'healthy' || p.status === 'degraded',
  );
  const availability = points.length
    ? Math.round((100 * answered.length) / points.length)
    : null;
  const latencies = answered.map(p => p.latencyMs);
  const summary = points.length
    ? `${name}, last hour: ${availability}% available, latency ${Math.min(
        ...(latencies.length ? latencies : [0]),
      )}–${Math.max(...(latencies.length ? latencies : [0]))} ms over ${
        points.length
      } probes`
    : `${name}: no probes in the last hour`;
  return (
    <Box
      role="img"
      aria-label={summary}
      title={summary}
      sx={{ width: 160, height: 32, flexShrink: 0 }}
      data-testid={`sparkline-${name}`}
    >
      {points.length > 0 && (
        <ComposedChart
          width={160}
          height={32}
          data={data}
          margin={{ top: 2, right: 0, bottom: 2, left: 0 }}
        >
          <YAxis yAxisId="a" hide domain={[0, 100]} />
          <YAxis yAxisId="l" hide />
          <Bar
            yAxisId="a"
            dataKey="availability"
            fill="#8bc34a"
            opacity={0.4}
            isAnimationActive={false}
          />
          <Line
            yAxisId="l"
            dataKey="latencyMs"
            stroke="#3f51b5"
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </ComposedChart>
      )}
    </Box>
  );
}

function CacheRow({
  cache,
  history,
  until,
}: {
  cache: CacheHealth;
  history?: CacheHistoryPoint[];
  until: number;
}) {
  return (
    <Stack
      direction="row"
      spacing={2}
      alignItems="center"
      useFlexGap
      sx={{ flexWrap: 'wrap', rowGap: 0.5 }}
      data-testid={`overview-cache-${cache.name}`}
    >
      <Box sx={{ minWidth: 170, flexShrink: 0 }}>
        <CacheStatusChip
          status={cache.status}
          label={`${cache.name}: ${
            cache.checkedAt ? cache.status : 'never probed'
          }`}
        />
      </Box>
      <Typography
        variant="body2"
        sx={{
          minWidth: 60,
          flexShrink: 0,
          textAlign: 'right',
          fontVariantNumeric: 'tabular-nums',
          whiteSpace: 'nowrap',
        }}
      >
        {cache.latencyMs === null ? '—' : `${cache.latencyMs} ms`}
      </Typography>
      {history ? (
        <CacheSparkline name={cache.name} points={history} until={until} />
      ) : (
        <Box sx={{ width: 160, flexShrink: 0 }} />
      )}
      <Typography variant="caption" color="text.secondary">
        <RelativeTime iso={cache.checkedAt} prefix="probed" />
        {cache.message ? ` · ${cache.message}` : ''}
      </Typography>
    </Stack>
  );
}

/** Each build cache's status, with an hour of latency and availability. */
export function CachesGlance() {
  const api = useApi(gloriousFlywheelApiRef);
  const state = usePolling(
    async () => {
      const caches = await api.getCaches();
      const until = Date.now();
      const since = new Date(until - HOUR_MS).toISOString();
      // A cache whose history fails still shows its status.
      const histories = await Promise.all(
        caches.items.map(c =>
          api.getCacheHistory(c.name, { since, limit: 720 }).then(
            h => h.items,
            () => undefined,
          ),
        ),
      );
      return { caches: caches.items, histories, until };
    },
    [api],
    REFRESH_MS,
  );
  return (
    <Section
      title="Build caches"
      testId="overview-caches"
      state={state}
      isEmpty={v => !v.caches.length}
      empty={{
        title: 'No caches configured',
        description:
          'List them under gloriousflywheel.caches in app-config (see docs/caches.md).',
      }}
      action={<Link to={PAGE_PATHS.caches}>Open cache history</Link>}
    >
      {v => (
        <Stack spacing={1}>
          {v.caches.map((c, i) => (
            <CacheRow
              key={c.name}
              cache={c}
              history={v.histories[i]}
              until={v.until}
            />
          ))}
        </Stack>
      )}
    </Section>
  );
}
