import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  CacheHealth,
  CacheHistoryPoint,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { CachesPage } from './CachesPage';
import { bucketHistory } from './CacheHistoryChart';
import { formatCacheSize } from './formatCacheSize';

const cache = (over: Partial<CacheHealth>): CacheHealth => ({
  name: 'attic',
  kind: 'attic',
  endpoint: 'http://attic/attic',
  cache: 'main',
  runnerClasses: ['tinyland-nix'],
  status: 'healthy',
  latencyMs: 12,
  checkedAt: new Date().toISOString(),
  errorKind: null,
  message: null,
  sizeBytes: null,
  capacityBytes: null,
  itemCount: null,
  remoteExecution: null,
  staleEndpoint: null,
  ...over,
});

function api(
  items: CacheHealth[],
  history: Record<string, CacheHistoryPoint[]> = {},
): GloriousFlywheelApi {
  return {
    getCaches: async () => ({ items }),
    getCacheHistory: async (name: string) => ({
      cache: name,
      since: '',
      limit: 5000,
      items: history[name] ?? [],
      truncated: false,
    }),
  } as Partial<GloriousFlywheelApi> as GloriousFlywheelApi;
}

const render = (a: GloriousFlywheelApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[gloriousFlywheelApiRef, a]]}>
      <CachesPage />
    </TestApiProvider>,
  );

describe('CachesPage', () => {
  it('lists each cache with status, reason, size and the runner classes that depend on it', async () => {
    await render(
      api([
        cache({}),
        cache({
          name: 'bazel-cache',
          kind: 'bazel-remote',
          status: 'down',
          latencyMs: null,
          errorKind: 'network',
          message: 'status: connect ECONNREFUSED',
          sizeBytes: 13421772800,
          capacityBytes: 53687091200,
          runnerClasses: ['tinyland-docker'],
        }),
        cache({
          name: 'new',
          kind: 'bazel-grpc',
          status: 'unknown',
          checkedAt: null,
          latencyMs: null,
        }),
      ]),
    );
    const row = (await screen.findByText('bazel-cache')).closest('tr')!;
    expect(within(row).getByText('down')).toBeInTheDocument();
    expect(
      within(row).getByText('status: connect ECONNREFUSED'),
    ).toBeInTheDocument();
    expect(within(row).getByText('12.5 GiB / 50.0 GiB')).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'tinyland-docker' }),
    ).toHaveAttribute('href', '/catalog/default/resource/tinyland-docker');
    expect(screen.getByText('unknown (never probed)')).toBeInTheDocument();
  });

  it('warns about caches on a stale endpoint', async () => {
    await render(
      api([
        cache({
          staleEndpoint: {
            pattern: '*.attic-cache-dev.*',
            message: 'migrate to attic.nix-cache',
          },
        }),
      ]),
    );
    expect(await screen.findByTestId('stale-attic')).toHaveTextContent(
      '*.attic-cache-dev.*',
    );
  });

  it('shows the history of the selected cache', async () => {
    const now = Date.now();
    const points: CacheHistoryPoint[] = [0, 1, 2].map(i => ({
      checkedAt: new Date(now - i * 60000).toISOString(),
      status: 'healthy',
      latencyMs: 10,
      errorKind: null,
      message: null,
      sizeBytes: null,
    }));
    await render(
      api([cache({}), cache({ name: 'bazel-cache' })], {
        'bazel-cache': points,
      }),
    );
    expect(await screen.findByText('History of attic')).toBeInTheDocument();
    expect(
      await screen.findByText('No probes recorded in this period yet.'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByText('bazel-cache'));
    expect(
      await screen.findByText('History of bazel-cache'),
    ).toBeInTheDocument();
    expect(await screen.findByText('3 probes')).toBeInTheDocument();
  });

  it('explains what to configure when no cache is configured', async () => {
    await render(api([]));
    expect(await screen.findByText('No caches configured')).toBeInTheDocument();
  });
});

describe('bucketHistory', () => {
  it('computes availability and mean latency per bucket', () => {
    const since = Date.parse('2026-11-25T00:00:00Z');
    const until = since + 48 * 60000;
    const at = (min: number) =>
      new Date(since + min * 60000 + 1000).toISOString();
    const buckets = bucketHistory(
      [
        {
          checkedAt: at(0),
          status: 'healthy',
          latencyMs: 10,
          errorKind: null,
          message: null,
          sizeBytes: null,
        },
        {
          checkedAt: at(0),
          status: 'degraded',
          latencyMs: 30,
          errorKind: null,
          message: null,
          sizeBytes: null,
        },
        {
          checkedAt: at(1),
          status: 'down',
          latencyMs: 5000,
          errorKind: 'timeout',
          message: 'x',
          sizeBytes: null,
        },
      ],
      since,
      until,
    );
    expect(buckets).toHaveLength(48);
    expect(buckets[0]).toMatchObject({ latencyMs: 20, availability: 100 });
    expect(buckets[1]).toMatchObject({ latencyMs: null, availability: 0 });
    expect(buckets[2]).toMatchObject({ latencyMs: null, availability: null });
  });

  it('formats cache sizes', () => {
    expect(formatCacheSize(null)).toBe('—');
    expect(formatCacheSize(512)).toBe('512 B');
    expect(formatCacheSize(1536)).toBe('1.5 KiB');
  });
});
