import { ReactNode, useEffect, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { RelativeTime } from '../RelativeTime';

/** A polled load as the sections see it (the shape of `usePolling`). */
export interface Loaded<T> {
  value?: T;
  loading: boolean;
  error?: Error;
}

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
  state: Loaded<T>;
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
  let body: ReactNode;
  if (state.value === undefined && state.error)
    body = <ResponseErrorPanel error={state.error} />;
  else if (state.value === undefined)
    body = <Progress aria-label={`Loading ${props.title.toLowerCase()}`} />;
  else if (props.isEmpty?.(state.value) && props.empty) {
    // a line, not Backstage's full-size EmptyState: the overview is many small sections
    body = (
      <Typography variant="body2">
        <b>{props.empty.title}</b>. {props.empty.description}
      </Typography>
    );
  } else body = props.children(state.value);
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
