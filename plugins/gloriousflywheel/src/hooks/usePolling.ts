import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/**
 * Loads with `load` and reloads every `intervalMs` while mounted, keeping the last value on screen
 * during a reload (no flicker), and the time of the last success for "updated … ago".
 */
export function usePolling<T>(
  load: () => Promise<T>,
  deps: unknown[],
  intervalMs = 10000,
) {
  const state = useAsyncRetry(load, deps);
  const { retry } = state;
  useEffect(() => {
    if (!intervalMs) return undefined;
    const timer = setInterval(() => retry(), intervalMs);
    return () => clearInterval(timer);
  }, [retry, intervalMs]);
  return state;
}
