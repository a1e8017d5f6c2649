import { Link, WarningPanel } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { ScaleSet } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** Where the docs say how to pause a GitOps-managed scale set through Git instead. */
export const PAUSE_THROUGH_GIT_DOCS =
  'https://github.com/tinyland-inc/gloriousflywheel-backstage/blob/main/docs/control.md#pausing-through-git';

/** "Pause reverted by X at T": shown where the paused state is, linking to pausing through Git. */
export function PauseRevertedNotice({ scaleSet }: { scaleSet: ScaleSet }) {
  const r = scaleSet.pauseReverted;
  if (!r || !scaleSet.paused) return null;
  return (
    <WarningPanel
      severity="error"
      defaultExpanded
      title={`Pause reverted by ${r.by} at ${r.at}`}
      message={
        <Typography
          variant="body2"
          component="span"
          data-testid="pause-reverted"
        >
          {scaleSet.name} was paused by {scaleSet.paused.by} (
          {scaleSet.paused.reason}), but its bounds are back at min{' '}
          {scaleSet.minRunners} / max {scaleSet.maxRunners ?? 'unlimited'}: it
          runs jobs again. Pause it in the source its manager applies, not only
          here: <Link to={PAUSE_THROUGH_GIT_DOCS}>pausing through Git</Link>.
        </Typography>
      }
    />
  );
}
