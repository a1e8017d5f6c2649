import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import { ClusterStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ago } from '../RelativeTime';

const SEVERITY = {
  syncing: 'info',
  stale: 'warning',
  error: 'error',
  synced: 'success',
} as const;

/** Says which clusters are not live: stale data is marked stale, with since when. */
export function ClusterSyncBanner({ clusters }: { clusters: ClusterStatus[] }) {
  const notLive = clusters.filter(c => c.state !== 'synced');
  if (!notLive.length) return null;
  return (
    <Stack spacing={1} sx={{ mb: 2 }}>
      {notLive.map(c => (
        <Alert
          key={c.name}
          severity={SEVERITY[c.state]}
          data-testid={`cluster-${c.name}-${c.state}`}
        >
          {c.state === 'syncing' && (
            <>
              Cluster <b>{c.name}</b>: first sync in progress.
            </>
          )}
          {c.state === 'stale' && (
            <>
              Cluster <b>{c.name}</b> is <b>stale</b> since{' '}
              {new Date(c.since).toLocaleString()} ({ago(c.since)}); showing the
              last known state from {ago(c.lastSyncAt)}. {c.message}
            </>
          )}
          {c.state === 'error' && (
            <>
              Cluster <b>{c.name}</b> cannot be read: {c.message}
            </>
          )}
        </Alert>
      ))}
    </Stack>
  );
}

export { ago };
