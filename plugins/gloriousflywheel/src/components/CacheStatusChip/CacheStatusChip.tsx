import Chip from '@mui/material/Chip';
import { CacheHealthStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { chipTextSx } from '../chipContrast';

const COLOR = {
  healthy: 'success',
  degraded: 'warning',
  down: 'error',
  unknown: 'default',
} as const;

/** A cache's health as a coloured chip. */
export function CacheStatusChip({
  status,
  label,
}: {
  status: CacheHealthStatus;
  label?: string;
}) {
  return (
    <Chip
      size="small"
      color={COLOR[status]}
      sx={chipTextSx(COLOR[status])}
      label={label ?? status}
      data-status={status}
    />
  );
}
