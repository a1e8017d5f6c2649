import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';

/** A small select for page filters: '' means all. Options are values, or value/label pairs. */
export function SelectFilter<T extends string>(props: {
  label: string;
  value: T | '';
  options: readonly (T | { value: T; label: string })[];
  onChange: (value: T | '') => void;
  minWidth?: number;
}) {
  return (
    <TextField
      select
      size="small"
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value as T | '')}
      sx={{ minWidth: props.minWidth ?? 150 }}
    >
      <MenuItem value="">all</MenuItem>
      {props.options.map(o => {
        const { value, label } =
          typeof o === 'string' ? { value: o, label: o } : o;
        return (
          <MenuItem key={value} value={value}>
            {label}
          </MenuItem>
        );
      })}
    </TextField>
  );
}
