import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  createFleetSeed,
  GitHubSandbox,
  startGitHubSandbox,
} from '@internal/fleet-sandbox';
import { ActionsJob } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ActionsJobStore } from '../database/ActionsJobStore';
import { migrateDatabase } from '../database/migrateDatabase';
import { createGitHubClient, GitHubClient } from '../adoption/GitHubClient';
import { JobReconciler } from './JobReconciler';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ORG = 'tinyland-inc';

let gh: GitHubSandbox;
beforeAll(async () => {
  // no fleet: every job the sandbox queues stays queued
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed: createFleetSeed({ longTailRepos: 2 }),
    jobs: { autoTickMs: 0 },
  });
});
afterAll(() => gh?.close());

async function setup(requestsPerPass = 100) {
  const knex = await databases.init('SQLITE_3');
  await migrateDatabase({ getClient: async () => knex });
  const store = new ActionsJobStore(knex);
  const logger = mockServices.logger.mock();
  const client: GitHubClient = createGitHubClient({
    apiBaseUrl: gh.url,
    token: async () => gh.token,
    logger,
  });
  const ingested: ActionsJob[] = [];
  const reconciler = new JobReconciler({
    store,
    clientFor: owner => (owner === ORG ? client : undefined),
    ingest: async jobs => {
      ingested.push(...jobs);
      await store.upsert(jobs);
    },
    requestsPerPass,
    activeWithinMinutes: 120,
    logger,
  });
  return { store, client, reconciler, ingested };
}

/** What a delivered webhook would have stored: the job as the sandbox's jobs API has it. */
async function seen(
  store: ActionsJobStore,
  reconciler: JobReconciler,
  repo: string,
  id: number,
) {
  const job = await reconciler.fetchJob(repo, id);
  expect(job).toBeDefined();
  return store.get(id);
}

describe('JobReconciler against the sandbox jobs API', () => {
  it('fetches the jobs of runs whose deliveries never arrived, then only asks whether they changed', async () => {
    const { store, client, reconciler } = await setup();
    const known = await gh.enqueueJob({
      repo: 'lab',
      labels: ['tinyland-nix'],
    });
    expect(
      (await seen(store, reconciler, `${ORG}/lab`, known.id))?.status,
    ).toBe('queued');
    // two jobs whose webhooks were lost: one in the known run, one in a new run
    const sameRun = await gh.enqueueJob({
      repo: 'lab',
      labels: ['tinyland-docker'],
      runId: known.runId,
    });
    const newRun = await gh.enqueueJob({
      repo: 'lab',
      labels: ['tinyland-dind'],
    });

    const first = await reconciler.run();
    expect(first).toMatchObject({ repos: 1, deferred: 0, errors: 0 });
    expect((await store.get(sameRun.id))?.labels).toEqual(['tinyland-docker']);
    expect((await store.get(newRun.id))?.status).toBe('queued');

    // nothing changed since: the conditional requests answer 304
    const before = client.usage.rest304;
    const second = await reconciler.run();
    expect(second.charged).toBe(0);
    expect(second.notModified).toBeGreaterThan(0);
    expect(client.usage.rest304 - before).toBe(second.notModified);
    expect(second.jobs).toBe(0);
  });

  it('stops at the request budget and leaves the other repositories for the next pass', async () => {
    const { store, reconciler } = await setup(1);
    for (const repo of ['lab', 'blahaj']) {
      const job = await gh.enqueueJob({ repo, labels: ['tinyland-nix'] });
      await seen(store, reconciler, `${ORG}/${repo}`, job.id);
    }
    const outcome = await reconciler.run();
    expect(outcome.charged).toBe(1);
    expect(outcome.deferred).toBe(1);
  });

  it('finds no job GitHub does not have', async () => {
    const { reconciler } = await setup();
    expect(
      await reconciler.fetchJob(`${ORG}/lab`, 987_654_321),
    ).toBeUndefined();
    expect(await reconciler.fetchJob('someone-else/lab', 1)).toBeUndefined();
  });
});
