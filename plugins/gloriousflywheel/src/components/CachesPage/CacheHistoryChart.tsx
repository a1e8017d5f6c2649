import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import Typography from '@mui/material/Typography';
import { CacheHistoryPoint } from '@tinyland/backstage-plugin-gloriousflywheel-common';

const BUCKETS = 48;

interface Bucket {
  time: string;
  latencyMs: number | null;
  availability: number | null;
}

/** Groups probes into equal time buckets: mean latency of answered probes and the share that was up. */
export function bucketHistory(
  points: CacheHistoryPoint[],
  since: number,
  until: number,
): Bucket[] {
  const width = Math.max(1, (until - since) / BUCKETS);
  const buckets = Array.from({ length: BUCKETS }, (_, i) => ({
    start: since + i * width,
    up: 0,
    total: 0,
    latency: 0,
    answered: 0,
  }));
  for (const p of points) {
    const i = Math.min(
      BUCKETS - 1,
      Math.floor((Date.parse(p.checkedAt) - since) / width),
    );
    if (i < 0) continue;
    const b = buckets[i];
    b.total++;
    if (p.status === 'healthy' || p.status === 'degraded') b.up++;
    if (p.status !== 'down' && p.status !== 'unknown') {
      b.latency += p.latencyMs;
      b.answered++;
    }
  }
  return buckets.map(b => ({
    time: new Date(b.start).toLocaleTimeString([], {
      hour: '2-digit',
      minute: '2-digit',
    }),
    latencyMs: b.answered ? Math.round(b.latency / b.answered) : null,
    availability: b.total ? Math.round((100 * b.up) / b.total) : null,
  }));
}

/**
 * Latency (line) and availability (bars) over time. recharts: the charting library common in
 * Backstage plugins, composable enough for two axes without custom drawing code.
 */
export function CacheHistoryChart({
  points,
  since,
  until,
}: {
  points: CacheHistoryPoint[];
  since: number;
  until: number;
}) {
  if (!points.length) {
    return (
      <Typography variant="body2" color="text.secondary">
        No probes recorded in this period yet.
      </Typography>
    );
  }
  const data = bucketHistory(points, since, until);
  return (
    <ResponsiveContainer width="100%" height={260}>
      <ComposedChart
        data={data}
        margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="time" minTickGap={24} />
        <YAxis yAxisId="latency" unit=" ms" width={70} />
        <YAxis
          yAxisId="availability"
          orientation="right"
          domain={[0, 100]}
          unit="%"
          width={50}
        />
        <Tooltip />
        <Legend />
        <Bar
          yAxisId="availability"
          dataKey="availability"
          name="availability %"
          fill="#8bc34a"
          opacity={0.5}
          isAnimationActive={false}
        />
        <Line
          yAxisId="latency"
          dataKey="latencyMs"
          name="latency (ms)"
          stroke="#3f51b5"
          dot={false}
          connectNulls
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
