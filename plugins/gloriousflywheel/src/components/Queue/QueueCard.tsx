import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { QueueFigures } from './QueueFigures';

/** The job queue of one runner class or scale set (`cluster/namespace/name`), refreshed every 15 s. */
export function QueueCard({
  runnerClass,
  scaleSet,
}: {
  runnerClass?: string;
  scaleSet?: string;
}) {
  const api = useApi(gloriousFlywheelApiRef);
  const stats = usePolling(async () => api.getQueueStats(), [api], 15000);
  const item = runnerClass
    ? stats.value?.classes.find(c => c.runnerClass === runnerClass)
    : stats.value?.scaleSets.find(s => s.scaleSet === scaleSet);
  const label = runnerClass
    ? `runner class ${runnerClass}`
    : `scale set ${scaleSet}`;
  return (
    <InfoCard title="Job queue">
      {stats.loading && !stats.value && <Progress />}
      {stats.error && !stats.value && (
        <Typography variant="body2">
          Queue figures unavailable: {stats.error.message}
        </Typography>
      )}
      {stats.value && !item && (
        <Typography variant="body2">
          No queue figures for this {runnerClass ? 'runner class' : 'scale set'}
          .
        </Typography>
      )}
      {item && (
        <QueueFigures stats={item} label={label} testId="queue-figures" />
      )}
      <Typography variant="caption" component="div" sx={{ mt: 1 }}>
        <Link to="/gloriousflywheel/stuck-job">Why is my job stuck?</Link>
      </Typography>
    </InfoCard>
  );
}
