import { useApi } from '@backstage/core-plugin-api';
import { InfoCard, Link } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { QueueFigures } from './QueueFigures';
import { AsyncContent } from '../AsyncContent';

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
      <AsyncContent
        state={stats}
        renderError={error => (
          <Typography variant="body2">
            Queue figures unavailable: {error.message}
          </Typography>
        )}
      >
        {() =>
          item ? (
            <QueueFigures stats={item} label={label} testId="queue-figures" />
          ) : (
            <Typography variant="body2">
              No queue figures for this{' '}
              {runnerClass ? 'runner class' : 'scale set'}.
            </Typography>
          )
        }
      </AsyncContent>
      <Typography variant="caption" component="div" sx={{ mt: 1 }}>
        <Link to="/gloriousflywheel/stuck-job">Why is my job stuck?</Link>
      </Typography>
    </InfoCard>
  );
}
