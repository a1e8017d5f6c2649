import { ReactNode } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

/** A load as the pages hold it (the shape of `usePolling` / react-use's `useAsyncRetry`). */
export interface AsyncState<T> {
  value?: T;
  loading: boolean;
  error?: Error;
  /** loads again; offered on the error panel */
  retry?: () => void;
}

/** What to show when the loaded value has nothing in it. */
export interface AsyncEmpty {
  title: string;
  description?: string;
  /** the EmptyState picture: what is missing */
  missing?: 'field' | 'info' | 'content' | 'data';
  action?: JSX.Element;
  /** one line instead of Backstage's full-size EmptyState (small cards and sections) */
  compact?: boolean;
}

/**
 * The error panel of a failed load, with Retry while the load can be retried (disabled while it runs).
 * AsyncContent and AsyncTable show it in place of their content; on its own it goes beside a control
 * that must stay usable after an error (a search box, a form whose input may be what failed).
 */
export function AsyncError(props: {
  error: Error;
  title?: string;
  retry?: () => void;
  /** a retry is running */
  retrying?: boolean;
}) {
  return (
    <Stack spacing={1} alignItems="flex-start">
      <ResponseErrorPanel error={props.error} title={props.title} />
      {props.retry && (
        <Button
          variant="outlined"
          size="small"
          onClick={props.retry}
          disabled={props.retrying}
        >
          {props.retrying ? 'Retrying…' : 'Retry'}
        </Button>
      )}
    </Stack>
  );
}

/**
 * The loading, error and empty states every page and card shares, then `children(value)`. A value
 * once loaded stays on screen through reloads and their errors (the caller may mention a failed
 * refresh); until then an error wins over a reload in flight, so polling does not flicker.
 */
export function AsyncContent<T>(props: {
  state: AsyncState<T>;
  children: (value: T) => ReactNode;
  isEmpty?: (value: T) => boolean;
  empty?: AsyncEmpty | ((value: T) => AsyncEmpty);
  /** title of the error panel */
  errorTitle?: string;
  /** replaces the error panel, e.g. a card's one-line notice */
  renderError?: (error: Error) => ReactNode;
  /** accessible name of the progress bar */
  loadingLabel?: string;
}) {
  const { state } = props;
  if (state.value === undefined && state.error) {
    if (props.renderError) return <>{props.renderError(state.error)}</>;
    return (
      <AsyncError
        error={state.error}
        title={props.errorTitle}
        retry={state.retry}
        retrying={state.loading}
      />
    );
  }
  if (state.value === undefined && state.loading)
    return props.loadingLabel ? (
      <Progress aria-label={props.loadingLabel} />
    ) : (
      <Progress />
    );
  // settled: a load may resolve to nothing (T includes undefined then)
  const value = state.value as T;
  if (props.empty && props.isEmpty?.(value)) {
    const empty =
      typeof props.empty === 'function' ? props.empty(value) : props.empty;
    if (empty.compact)
      return (
        <Typography variant="body2">
          <b>{empty.title}</b>
          {empty.description && <>. {empty.description}</>}
          {empty.action}
        </Typography>
      );
    return (
      <EmptyState
        missing={empty.missing ?? 'data'}
        title={empty.title}
        description={empty.description}
        action={empty.action}
      />
    );
  }
  return <>{props.children(value)}</>;
}

/**
 * AsyncContent for a table that shows its own loading state: `children({ value, loading })` from
 * the first render (`loading` until a first value; `value` the last one, kept through reloads),
 * and the same error panel in place of the table while no value has loaded.
 */
export function AsyncTable<T>(props: {
  state: AsyncState<T>;
  children: (table: { value: T | undefined; loading: boolean }) => ReactNode;
  /** title of the error panel */
  errorTitle?: string;
}) {
  const { state } = props;
  if (state.value === undefined && state.error)
    return (
      <AsyncError
        error={state.error}
        title={props.errorTitle}
        retry={state.retry}
        retrying={state.loading}
      />
    );
  return (
    <>
      {props.children({
        value: state.value,
        loading: state.loading && state.value === undefined,
      })}
    </>
  );
}
