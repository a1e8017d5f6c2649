import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  ALL_REPOS,
  AdoptionRescanStore,
  DeliveryRetention,
  WebhookDelivery,
} from './AdoptionRescanStore';
import { migrateDatabase } from './migrateDatabase';

// Only databases this machine provides without Docker (see CacheProbeStore.test.ts).
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const NOW = new Date('2026-12-01T12:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

async function createStore(id: TestDatabaseId, retention?: DeliveryRetention) {
  const knex = await databases.init(id);
  await migrateDatabase({ getClient: async () => knex });
  return { knex, store: new AdoptionRescanStore(knex, retention) };
}

const delivery = (
  n: number,
  extra: Partial<WebhookDelivery> = {},
): WebhookDelivery => ({
  deliveryId: `d-${n}`,
  payloadSha256: String(n).padStart(64, '0'),
  event: 'push',
  repo: { owner: 'o', name: 'r' },
  receivedAt: at(n),
  ...extra,
});

describe.each(databases.eachSupportedId())('AdoptionRescanStore on %p', id => {
  it('records a delivery once: the same id or the same body again is a duplicate and queues nothing new', async () => {
    const { store } = await createStore(id);
    expect(await store.recordDelivery(delivery(1))).toBe('recorded');
    expect(await store.pending()).toEqual([
      expect.objectContaining({
        repoKey: 'o/r',
        owner: 'o',
        name: 'r',
        requestId: 'd-1',
      }),
    ]);

    expect(await store.recordDelivery(delivery(1, { receivedAt: at(2) }))).toBe(
      'duplicate',
    );
    // a fresh id on a body already seen: the id is not signed, the body is
    expect(
      await store.recordDelivery(delivery(1, { deliveryId: 'd-forged' })),
    ).toBe('duplicate');
    expect(await store.pending()).toEqual([
      expect.objectContaining({ requestId: 'd-1' }),
    ]);
    expect(await store.summary()).toMatchObject({
      deliveries: 1,
      duplicates: 2,
      pendingRepos: 1,
    });

    // a delivery without a repository is remembered but queues nothing
    expect(
      await store.recordDelivery(
        delivery(3, { event: 'ping', repo: undefined }),
      ),
    ).toBe('recorded');
    expect(await store.summary()).toMatchObject({
      deliveries: 2,
      pendingRepos: 1,
    });
  });

  it('keeps a request that a newer delivery replaced while the older one was being served', async () => {
    const { store } = await createStore(id);
    await store.recordDelivery(delivery(1));
    const [served] = await store.pending();
    await store.recordDelivery(delivery(2)); // same repository, newer request
    await store.complete([served]);
    expect(await store.pending()).toEqual([
      expect.objectContaining({ repoKey: 'o/r', requestId: 'd-2' }),
    ]);

    const [again] = await store.pending();
    await store.fail([again], 'GitHub answered 502', at(3));
    expect((await store.summary()).lastFailure).toEqual({
      at: at(3).getTime(),
      message: 'rescan of o/r failed: GitHub answered 502',
    });
    expect(await store.pending()).toEqual([
      expect.objectContaining({ lastError: 'GitHub answered 502' }),
    ]);
    await store.complete([again]);
    expect(await store.hasPending()).toBe(false);
    expect((await store.summary()).lastFailure).toBeNull();
  });

  it('records deliveries in one transaction with what they carry: repeats are duplicates, a failure records none', async () => {
    const { store } = await createStore(id);
    const job = (n: number) =>
      delivery(n, { event: 'workflow_job', repo: undefined });
    await store.recordDelivery(job(1));
    const seen: Array<{ fresh: boolean[]; visible: number }> = [];
    const recorded = await store.recordDeliveriesWith(
      // stored before; new; the same id again; a new id on the same body
      [job(1), job(2), job(2), { ...job(2), deliveryId: 'd-forged' }, job(3)],
      async (tx, fresh) => {
        // the write runs in the transaction that holds the new deliveries
        const [{ n }] = await tx(
          'gloriousflywheel_adoption_webhook_deliveries',
        ).count({ n: '*' });
        seen.push({ fresh: [...fresh], visible: Number(n) });
      },
    );
    expect(recorded).toEqual([false, true, false, false, true]);
    expect(seen).toEqual([{ fresh: recorded, visible: 3 }]);
    expect(await store.summary()).toMatchObject({
      deliveries: 3,
      duplicates: 3,
      pendingRepos: 0,
    });

    await expect(
      store.recordDeliveriesWith([job(4)], async () => {
        throw new Error('job write failed');
      }),
    ).rejects.toThrow('job write failed');
    // rolled back: a redelivery is new, not a duplicate
    expect(await store.countDeliveries()).toBe(3);
    expect(await store.recordDelivery(job(4))).toBe('recorded');
  });

  it('stays bounded: the newest maxDeliveries, none older than maxAgeMs', async () => {
    const { store } = await createStore(id, {
      maxDeliveries: 3,
      maxAgeMs: 60 * 60_000,
    });
    for (let n = 1; n <= 5; n++)
      await store.recordDelivery(delivery(n, { repo: undefined }));
    expect(await store.countDeliveries()).toBe(3);
    // the oldest were forgotten, so they count as new again; the newest are still duplicates
    expect(await store.recordDelivery(delivery(5, { repo: undefined }))).toBe(
      'duplicate',
    );
    expect(
      await store.recordDelivery(
        delivery(1, { repo: undefined, receivedAt: at(6) }),
      ),
    ).toBe('recorded');
    expect(await store.countDeliveries()).toBe(3);

    // two hours later everything before the last hour is gone
    await store.recordDelivery(delivery(120, { repo: undefined }));
    expect(await store.countDeliveries()).toBe(1);
  });

  it('queues one full scan however often it is requested, also by many requests at once', async () => {
    const { store } = await createStore(id);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        store.requestFullScan(`r-${n}`, at(n)),
      ),
    );
    expect(answers.filter(a => a === 'added')).toHaveLength(1);
    expect(answers.filter(a => a === 'joined')).toHaveLength(19);
    const [full] = await store.pending();
    expect(full).toMatchObject({
      repoKey: ALL_REPOS,
      requestId: `r-${answers.indexOf('added')}`,
    });
    expect(await store.summary()).toMatchObject({
      fullScanRequestedAt: full.requestedAt,
      pendingRepos: 0,
    });
  });

  it('lets requests during a claimed full scan join it, and ends the claim with the scan', async () => {
    const { store } = await createStore(id);
    expect(await store.requestFullScan('a', NOW)).toBe('added');
    await store.claimFullScan('run-1', at(1));
    // taken by the run: no longer waiting, and what comes in now joins the running scan
    expect(await store.summary()).toMatchObject({ fullScanRequestedAt: null });
    expect(
      await Promise.all([
        store.requestFullScan('b', at(2)),
        store.requestFullScan('c', at(2)),
      ]),
    ).toEqual(['running', 'running']);
    await store.releaseFullScan('run-1');
    expect(await store.hasPending()).toBe(false);
    // after the scan a request queues the next one
    expect(await store.requestFullScan('d', at(3))).toBe('added');
    await store.releaseFullScan('run-1'); // an old run's release takes nothing that is not its own
    expect(await store.summary()).toMatchObject({
      fullScanRequestedAt: at(3).getTime(),
    });
  });

  it("claims a scheduled full scan without a request, and takes over a stopped run's claim", async () => {
    const { store } = await createStore(id);
    await store.claimFullScan('scheduled', NOW);
    expect(await store.requestFullScan('a', at(1))).toBe('running');
    // the next run (under the scheduler's lock, so the old one is gone) takes the claim over
    await store.claimFullScan('next', at(2));
    await store.releaseFullScan('scheduled');
    expect(await store.requestFullScan('b', at(3))).toBe('running');
    await store.releaseFullScan('next');
    expect(await store.pending()).toEqual([]);
  });
});
