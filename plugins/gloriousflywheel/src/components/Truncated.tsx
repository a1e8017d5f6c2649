import Tooltip from '@mui/material/Tooltip';

/** A long name cut to one line with an ellipsis; the whole name on hover and for screen readers. */
export function Truncated({
  text,
  maxWidth = 260,
}: {
  text: string;
  maxWidth?: number | string;
}) {
  return (
    <Tooltip title={text}>
      <span
        style={{
          display: 'inline-block',
          maxWidth,
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: 'nowrap',
          verticalAlign: 'bottom',
        }}
      >
        {text}
      </span>
    </Tooltip>
  );
}
