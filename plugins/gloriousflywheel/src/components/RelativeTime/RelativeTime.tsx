import Tooltip from '@mui/material/Tooltip';

/** How long ago `iso` was, in the largest whole unit ("never" for null). */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 2 * 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/**
 * A time as people read it at a glance ("3 min ago"), with the absolute local time on hover. The
 * one way pages show timestamps.
 */
export function RelativeTime({
  iso,
  prefix,
}: {
  iso: string | null;
  prefix?: string;
}) {
  const text = `${prefix ? `${prefix} ` : ''}${ago(iso)}`;
  if (!iso) return <span>{text}</span>;
  const absolute = new Date(iso).toLocaleString();
  return (
    // describeChild: the absolute time describes the text instead of replacing it as its name
    <Tooltip title={absolute} describeChild>
      <time dateTime={iso} style={{ whiteSpace: 'nowrap' }}>
        {text}
      </time>
    </Tooltip>
  );
}
