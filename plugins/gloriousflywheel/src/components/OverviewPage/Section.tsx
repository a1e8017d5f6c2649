import { ReactNode, useEffect, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { RelativeTime } from '../RelativeTime';
import { AsyncContent, AsyncState } from '../AsyncContent';

/** The time the value last arrived: what "as of" means for figures computed on the page's side. */
export function useLoadedAt(value: unknown): string | null {
  const [at, setAt] = useState<string | null>(null);
  useEffect(() => {
    if (value !== undefined) setAt(new Date().toISOString());
  }, [value]);
  return at;
}

/**
 * One section of the overview: its title, how old its figures are, and its own loading, error and
 * empty states (a failing source never blanks the other sections).
 */
export function Section<T>(props: {
  title: string;
  testId: string;
  state: AsyncState<T>;
  /** when the data shown was true; defaults to when it was loaded */
  asOf?: string | null;
  isEmpty?: (value: T) => boolean;
  empty?: { title: string; description: string };
  action?: ReactNode;
  children: (value: T) => ReactNode;
}) {
  const { state } = props;
  const loadedAt = useLoadedAt(state.value);
  const asOf = props.asOf === undefined ? loadedAt : props.asOf;
  const body = (
    <AsyncContent
      state={state}
      loadingLabel={`Loading ${props.title.toLowerCase()}`}
      isEmpty={props.isEmpty}
      // a line, not Backstage's full-size EmptyState: the overview is many small sections
      empty={props.empty && { ...props.empty, compact: true }}
    >
      {props.children}
    </AsyncContent>
  );
  return (
    <InfoCard
      title={props.title}
      subheader={
        state.value !== undefined ? (
          <Typography variant="caption" color="text.secondary" component="span">
            <RelativeTime iso={asOf} prefix="updated" />
            {state.error && ` · refresh failed: ${state.error.message}`}
          </Typography>
        ) : undefined
      }
      action={props.action}
    >
      <div data-testid={props.testId}>{body}</div>
    </InfoCard>
  );
}
