import { useCallback, useEffect, useRef, useState } from 'react';
import {
  AdoptionQuery,
  AdoptionScanStatus,
  RepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi } from '../../api';

/** The list query without its window: what the server filters and sorts by. */
export type RepoListFilter = Omit<AdoptionQuery, 'limit' | 'offset'>;

/** The pages of one filter that have arrived. */
export interface RepoPagesValue {
  filter: RepoListFilter;
  /** changes with the filter (e.g. to reset the matrix's scroll) */
  key: string;
  /** repositories matching the filter, on the server */
  total: number;
  scan: AdoptionScanStatus;
  /** page number → its rows */
  pages: ReadonlyMap<number, RepoAdoption[]>;
}

/** Rows per request: a few screens of the matrix, far below the server's limit of 2,000. */
export const REPO_PAGE_SIZE = 100;

/**
 * The matrix's repositories, a page at a time from the server with the filter applied there: the
 * first page when the filter changes, then the pages of the rows the user scrolls to. Until the
 * new filter's first page arrives the previous one stays on screen. A refresh reloads the pages in
 * view and drops the others (they are loaded again when scrolled to).
 */
export function useRepoPages(
  api: GloriousFlywheelApi,
  filter: RepoListFilter,
  refreshMs: number,
) {
  const key = JSON.stringify(filter);
  const [value, setValue] = useState<RepoPagesValue>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  // read by callbacks that outlive a render
  const current = useRef({ key, filter });
  current.current = { key, filter };
  const inFlight = useRef(new Set<string>());
  const view = useRef<[number, number]>([0, 0]);
  const loadedPages = useRef<{ key: string; pages: Set<number> }>({
    key: '',
    pages: new Set(),
  });

  const fetchPages = useCallback(
    async (pages: number[], replace: boolean) => {
      const { key: k, filter: f } = current.current;
      const wanted = pages.filter(p => !inFlight.current.has(`${k}#${p}`));
      if (!wanted.length) return;
      wanted.forEach(p => inFlight.current.add(`${k}#${p}`));
      setLoading(true);
      try {
        const results = await Promise.all(
          wanted.map(p =>
            api.getAdoptionRepos({
              ...f,
              limit: REPO_PAGE_SIZE,
              offset: p * REPO_PAGE_SIZE,
            }),
          ),
        );
        if (current.current.key !== k) return; // the filter changed meanwhile
        setError(undefined);
        setValue(prev => {
          const keep =
            prev?.key === k && !replace
              ? new Map(prev.pages)
              : new Map<number, RepoAdoption[]>();
          if (replace && prev?.key === k) {
            // a refresh: keep pages that arrived meanwhile and are still in view
            const [first, last] = view.current;
            for (const [p, rows] of prev.pages)
              if (p >= first && p <= last) keep.set(p, rows);
          }
          wanted.forEach((p, i) => keep.set(p, results[i].items));
          loadedPages.current = { key: k, pages: new Set(keep.keys()) };
          const last = results[results.length - 1];
          return {
            filter: f,
            key: k,
            total: last.total,
            scan: last.scan,
            pages: keep,
          };
        });
      } catch (e) {
        if (current.current.key === k) setError(e as Error);
      } finally {
        wanted.forEach(p => inFlight.current.delete(`${k}#${p}`));
        setLoading(inFlight.current.size > 0);
      }
    },
    [api],
  );

  // a new filter: its first page, from the top
  useEffect(() => {
    view.current = [0, 0];
    fetchPages([0], false);
  }, [key, fetchPages]);

  const pagesInView = useCallback(() => {
    const [first, last] = view.current;
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }, []);

  useEffect(() => {
    if (!refreshMs) return undefined;
    const timer = setInterval(() => fetchPages(pagesInView(), true), refreshMs);
    return () => clearInterval(timer);
  }, [fetchPages, pagesInView, refreshMs]);

  /** The matrix shows rows `start`..`end`: loads the pages holding them that are missing. */
  const showRows = useCallback(
    (start: number, end: number) => {
      const first = Math.floor(start / REPO_PAGE_SIZE);
      const last = Math.floor(Math.max(start, end) / REPO_PAGE_SIZE);
      view.current = [first, last];
      const loaded =
        loadedPages.current.key === current.current.key
          ? loadedPages.current.pages
          : new Set<number>();
      const missing = pagesInView().filter(p => !loaded.has(p));
      if (missing.length) fetchPages(missing, false);
    },
    [fetchPages, pagesInView],
  );

  const retry = useCallback(
    () => fetchPages(pagesInView(), true),
    [fetchPages, pagesInView],
  );

  return { value, error, loading, retry, showRows };
}

/** Row `index` of the filter's result, undefined while its page loads. */
export function repoAt(
  value: RepoPagesValue,
  index: number,
): RepoAdoption | undefined {
  return value.pages.get(Math.floor(index / REPO_PAGE_SIZE))?.[
    index % REPO_PAGE_SIZE
  ];
}
