import { useApi } from '@backstage/core-plugin-api';
import { WarningPanel } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { SourceStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { RelativeTime } from '../RelativeTime';
import { useLoadedAt } from './Section';
import { SourceStateBadge } from './SourceStateBadge';

const REFRESH_MS = 30000;

/** Titles of the backend's sources, as the footer names them. */
export const SOURCE_TITLES: Record<SourceStatus['source'], string> = {
  fleet: 'Fleet (ARC scale sets)',
  caches: 'Build caches',
  adoption: 'Adoption (GitHub scan)',
};

/** The backend's sources and their state, one line; the control warning above it when control is off. */
export function SourcesFooter() {
  const api = useApi(gloriousFlywheelApiRef);
  const health = usePolling(async () => api.getHealth(), [api], REFRESH_MS);
  const loadedAt = useLoadedAt(health.value);
  if (!health.value) {
    if (health.error)
      return (
        <Alert severity="error">
          Backend health unavailable: {health.error.message}
        </Alert>
      );
    return null;
  }
  const v = health.value;
  return (
    <Stack spacing={1} component="footer" data-testid="overview-sources">
      {v.control && !v.control.enabled && (
        <WarningPanel
          severity="warning"
          title="Pause and resume are disabled"
          message={v.control.message}
        />
      )}
      <Stack
        direction="row"
        spacing={3}
        alignItems="center"
        useFlexGap
        sx={{ flexWrap: 'wrap', rowGap: 1 }}
      >
        <Typography variant="caption" color="text.secondary">
          <span>Backend plugin v{v.version}</span> ·{' '}
          <RelativeTime iso={loadedAt} prefix="checked" />
        </Typography>
        {v.sources.map(s => (
          <Stack
            key={s.source}
            direction="row"
            spacing={0.5}
            alignItems="center"
          >
            <Typography variant="caption">
              {SOURCE_TITLES[s.source] ?? s.source}
            </Typography>
            <SourceStateBadge state={s.state} />
            <Typography variant="caption" color="text.secondary">
              {s.message}
              {s.since && (
                <>
                  {' '}
                  (<RelativeTime iso={s.since} prefix="since" />)
                </>
              )}
            </Typography>
          </Stack>
        ))}
      </Stack>
    </Stack>
  );
}
