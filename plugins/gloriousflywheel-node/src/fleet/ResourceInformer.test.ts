import {
  K8sFaults,
  KubernetesSandbox,
  createFleetSeed,
  eventually,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import { createKubeConfig } from './kubeConfig';
import type { InformerPlural } from './informerFields';
import {
  InformerBackoff,
  InformerRetry,
  ResourceInformer,
} from './ResourceInformer';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The retry delay's ceiling for a given attempt, as the informer doubles it. */
const ceiling = (b: InformerBackoff, attempt: number) =>
  Math.min(b.maxMs, b.baseMs * 2 ** (attempt - 1));

/**
 * Most lists an informer can make in `elapsedMs` if every retry waits at least half its ceiling:
 * the first list plus every retry whose earliest start still falls inside the period.
 */
function mostLists(b: InformerBackoff, elapsedMs: number): number {
  let lists = 1;
  for (let at = ceiling(b, 1) / 2; at <= elapsedMs; at += ceiling(b, lists) / 2)
    lists++;
  return lists;
}

describe('ResourceInformer backoff against the sandbox Kubernetes API', () => {
  let k8s: KubernetesSandbox;
  let informer: ResourceInformer | undefined;
  let retries: InformerRetry[];
  let errors: unknown[];
  let watching: number;

  beforeEach(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed: createFleetSeed(),
    });
    retries = [];
    errors = [];
    watching = 0;
  });

  afterEach(async () => {
    informer?.stop();
    await k8s.close();
  });

  function startInformer(
    backoff: InformerBackoff,
    plural: InformerPlural = 'autoscalingrunnersets',
  ) {
    informer = new ResourceInformer({
      kubeConfig: createKubeConfig({
        name: 'honey',
        authProvider: 'serviceAccount',
        url: k8s.url,
        serviceAccountToken: k8s.token,
        skipTLSVerify: false,
        caData: k8s.caData,
      }),
      plural,
      namespace: 'arc-runners',
      backoff,
      onChange: () => {},
      onSynced: w => (watching += w ? 1 : 0),
      onError: (err, retry) => {
        errors.push(err);
        retries.push(retry);
      },
    });
    informer.start();
    return informer;
  }

  it.each<[string, Partial<K8sFaults>, RegExp, boolean]>([
    [
      'refuses watch (RBAC with list but not watch)',
      { forbidWatch: true },
      /^403 Error: Forbidden$/,
      false,
    ],
    [
      'ends every watch at once (410 Expired)',
      { expireNextWatches: 1_000_000 },
      /^ Error: closed by the server after \d+ ms \(Expired: too old resource version/,
      true,
    ],
  ])(
    'relists ever more slowly, not once per base delay, when the cluster %s',
    async (_, fault, firstError, opens) => {
      const backoff = { baseMs: 50, maxMs: 800, healthyWatchMs: 5000 };
      k8s.faults.set(fault);
      k8s.resetRequestCounts();
      const started = Date.now();
      startInformer(backoff);
      // 60 base delays: with the backoff reset by every successful list this was ~60 lists.
      await sleep(3000);
      informer!.stop();
      const elapsed = Date.now() - started;
      const { list, watch } = k8s.requestCounts;

      // one list of slack for timers firing a millisecond early
      expect(list).toBeLessThanOrEqual(mostLists(backoff, elapsed) + 1);
      expect(list).toBeGreaterThanOrEqual(5); // it keeps trying
      expect(watch).toBeGreaterThanOrEqual(list - 1); // each list is followed by one watch attempt
      expect(watch).toBeLessThanOrEqual(list);
      // Every list succeeded and the copy is served, yet the attempt count only ever grows.
      expect(informer!.list()).toHaveLength(5);
      expect(retries.length).toBeGreaterThanOrEqual(list - 1);
      retries.forEach((r, i) => {
        expect(r).toMatchObject({ during: 'watch', attempt: i + 1 });
        expect(r.retryInMs).toBeGreaterThanOrEqual(
          ceiling(backoff, r.attempt) / 2,
        );
        expect(r.retryInMs).toBeLessThanOrEqual(ceiling(backoff, r.attempt));
      });
      expect(
        retries.slice(4).every(r => r.retryInMs >= backoff.maxMs / 2),
      ).toBe(true);
      expect(
        `${(errors[0] as { statusCode?: number }).statusCode ?? ''} ${
          errors[0]
        }`,
      ).toMatch(firstError);
      expect(watching > 0).toBe(opens);
    },
    20_000,
  );

  it('resets the backoff only after a watch stayed open for healthyWatchMs', async () => {
    const backoff = { baseMs: 50, maxMs: 800, healthyWatchMs: 2000 };
    k8s.faults.set({ forbidWatch: true });
    startInformer(backoff);
    await eventually(() => expect(retries.length).toBeGreaterThanOrEqual(5));

    // Fault cleared: the next relist's watch opens.
    k8s.faults.set({ forbidWatch: false });
    await eventually(() => expect(k8s.openWatches).toBe(1));
    const failed = retries.length;

    // A watch younger than healthyWatchMs that the server closes (even cleanly) is one more failure.
    k8s.dropWatches();
    await eventually(() => expect(retries.length).toBe(failed + 1));
    expect(retries[failed]).toMatchObject({
      during: 'watch',
      attempt: failed + 1,
    });
    expect(String(errors[failed])).toMatch(/closed by the server after \d+ ms/);

    await eventually(() => expect(k8s.openWatches).toBe(1));
    const { list, watch } = k8s.requestCounts;
    await sleep(backoff.healthyWatchMs + 1000);
    // The watch stayed open throughout: no new list or watch request.
    expect(k8s.openWatches).toBe(1);
    expect(k8s.requestCounts).toMatchObject({ list, watch });
    expect(retries).toHaveLength(failed + 1);

    // A healthy watch that ends cleanly resumes at once, from its resourceVersion, without a list.
    k8s.dropWatches();
    await eventually(() => expect(k8s.requestCounts.watch).toBe(watch + 1));
    await eventually(() => expect(k8s.openWatches).toBe(1));
    expect(k8s.requestCounts.list).toBe(list);
    expect(retries).toHaveLength(failed + 1);

    // The next failure starts again from the base delay, and is retried with a fresh list.
    k8s.dropWatches({ abrupt: true });
    await eventually(() => expect(retries).toHaveLength(failed + 2));
    expect(retries[failed + 1].attempt).toBe(1);
    expect(retries[failed + 1].retryInMs).toBeLessThanOrEqual(backoff.baseMs);
    await eventually(() => expect(k8s.requestCounts.list).toBe(list + 1));
    await eventually(() => expect(k8s.openWatches).toBe(1));
  }, 30_000);

  it('keeps only the fields the portal reads of what it lists and what it is sent by the watch', async () => {
    startInformer({ baseMs: 50, maxMs: 800 }, 'ephemeralrunners');
    await eventually(() => expect(k8s.openWatches).toBe(1));
    const listed = informer!.list();
    expect(listed.length).toBeGreaterThan(0);
    expect(k8s.listEphemeralRunners('arc-runners')[0]).toHaveProperty('spec');
    for (const o of listed) {
      expect(o).not.toHaveProperty('spec');
      expect(o.metadata?.resourceVersion).toBeTruthy();
    }

    const [scaleSet] = k8s.listScaleSets();
    k8s.failRunners('arc-runners', scaleSet.metadata.name, 'pull failed');
    await eventually(() =>
      expect(
        informer!
          .list()
          .some(
            o =>
              (o as { status?: { phase?: string } }).status?.phase === 'Failed',
          ),
      ).toBe(true),
    );
    for (const o of informer!.list()) expect(o).not.toHaveProperty('spec');
    expect(errors).toEqual([]);
  });

  it('refuses a backoff it cannot follow', () => {
    expect(() => startInformer({ baseMs: 0, maxMs: 10 })).toThrow(
      /0 < baseMs <= maxMs/,
    );
    expect(() => startInformer({ baseMs: 100, maxMs: 10 })).toThrow(
      /0 < baseMs <= maxMs/,
    );
    expect(() =>
      startInformer({ baseMs: 10, maxMs: 100, healthyWatchMs: -1 }),
    ).toThrow(/healthyWatchMs > 0/);
  });
});
