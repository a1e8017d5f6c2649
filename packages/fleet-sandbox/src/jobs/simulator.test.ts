import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFleetSandbox, FleetSandbox } from '../sandbox';
import {
  createManualClock,
  ManualClock,
  scaleSetMatchesJob,
} from './simulator';
import { loadGitHubWebhooksMethods } from '../github/webhooks';
import {
  assertValid,
  githubRestValidator,
  githubWebhookValidator,
} from '../testing/githubOpenApi';

type Hook = { event: string; payload: any; verified: boolean };

const webhookSchema: Record<string, string> = {
  queued: 'webhook-workflow-job-queued',
  waiting: 'webhook-workflow-job-waiting',
  in_progress: 'webhook-workflow-job-in-progress',
  completed: 'webhook-workflow-job-completed',
};

describe('job simulator', () => {
  let sandbox: FleetSandbox;
  let clock: ManualClock;
  let receiver: http.Server;
  const hooks: Hook[] = [];

  beforeAll(async () => {
    const { verify } = await loadGitHubWebhooksMethods();
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        hooks.push({
          event: String(req.headers['x-github-event']),
          payload: JSON.parse(body),
          verified: await verify(
            sandbox.github.webhookSecret,
            body,
            String(req.headers['x-hub-signature-256']),
          ),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>(r => receiver.listen(0, '127.0.0.1', r));
    clock = createManualClock(Date.parse('2026-12-01T12:00:00Z'));
    sandbox = await startFleetSandbox({
      webhookUrls: [
        `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      ],
      jobs: { clock: clock.now, autoTickMs: 0, runnerStartupMs: 5000 },
    });
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    await new Promise(r => receiver.close(r));
  });

  beforeEach(() => {
    hooks.length = 0;
  });

  const rest = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sandbox.github.url}${path}`, {
      headers: { authorization: `token ${sandbox.github.token}`, ...headers },
    });
    return { res, body: res.status === 200 ? await res.json() : undefined };
  };
  const runners = (scaleSet: string) =>
    sandbox.k8s
      .listEphemeralRunners('arc-runners')
      .filter(
        r =>
          r.metadata.labels?.['actions.github.com/scale-set-name'] === scaleSet,
      );
  const step = async (ms: number) => {
    clock.advance(ms);
    return sandbox.github.tickJobs();
  };
  /** every delivered payload is signed and matches GitHub's webhook description */
  const checkHooks = () => {
    for (const h of hooks) {
      expect(h.event).toBe('workflow_job');
      expect(h.verified).toBe(true);
      assertValid(
        githubWebhookValidator(webhookSchema[h.payload.action]),
        h.payload,
        `workflow_job ${h.payload.action}`,
      );
    }
  };

  it("runs the seeded jobs on the seeded runners, so the seed's runner counts stay", async () => {
    const seed = sandbox.seed.scaleSets.find(
      s => s.name === 'tinyland-nix-heavy',
    )!;
    const ars = sandbox.k8s.getScaleSet('arc-runners', 'tinyland-nix-heavy')!;
    expect(ars.status.currentRunners).toBe(seed.status.currentRunners);
    expect(ars.status.runningEphemeralRunners).toBe(
      seed.status.runningEphemeralRunners,
    );
    const build = sandbox.github
      .listJobs()
      .find(
        j =>
          j.repository === 'tinyland-inc/XoxdWM' && j.status === 'in_progress',
      )!;
    const runner = runners('tinyland-nix-heavy').find(
      r => r.metadata.name === build.runnerName,
    )!;
    expect(runner.status).toMatchObject({
      phase: 'Running',
      jobRepositoryName: 'tinyland-inc/XoxdWM',
      jobId: String(build.id),
    });
  });

  it('runs a queued job on a matching scale set: runner, webhooks, REST with ETags', async () => {
    const before = runners('tinyland-docker').length;
    const job = await sandbox.github.enqueueJob({
      repo: 'tinyland-inc/tinyland.dev',
      workflow: 'ci.yml',
      job: 'lint',
      labels: ['self-hosted', 'tinyland-docker'],
      durationMs: 60_000,
    });
    expect(job.status).toBe('queued');
    expect(hooks.map(h => h.payload.action)).toEqual(['queued']);

    // first tick: ARC creates a Pending runner; the job is still queued
    await step(0);
    const created = runners('tinyland-docker');
    expect(created).toHaveLength(before + 1);
    const runner = created.find(r => r.status.phase === 'Pending')!;
    expect(sandbox.github.getJob(job.id)!.runnerName).toBe(
      runner.metadata.name,
    );
    expect(sandbox.github.getJob(job.id)!.status).toBe('queued');

    // after the runner's startup it runs the job
    const t = await step(5000);
    expect(t.map(x => x.action)).toEqual(['in_progress']);
    const running = sandbox.k8s
      .listEphemeralRunners('arc-runners')
      .find(r => r.metadata.name === runner.metadata.name)!;
    expect(running.status).toMatchObject({
      phase: 'Running',
      jobRepositoryName: 'tinyland-inc/tinyland.dev',
      jobDisplayName: 'lint',
      workflowRunId: job.runId,
    });
    const ars = sandbox.k8s.getScaleSet('arc-runners', 'tinyland-docker')!;
    expect(ars.status.runningEphemeralRunners).toBe(
      runners('tinyland-docker').filter(r => r.status.phase === 'Running')
        .length,
    );
    const inProgress = hooks.find(h => h.payload.action === 'in_progress')!;
    expect(inProgress.payload.workflow_job).toMatchObject({
      id: job.id,
      runner_name: runner.metadata.name,
      runner_group_name: 'Default',
      labels: ['self-hosted', 'tinyland-docker'],
    });

    // REST: the job and its run's jobs, with ETag / 304
    const one = await rest(
      `/repos/tinyland-inc/tinyland.dev/actions/jobs/${job.id}`,
    );
    expect(one.res.status).toBe(200);
    assertValid(
      githubRestValidator('/repos/{owner}/{repo}/actions/jobs/{job_id}'),
      one.body,
      'GET job',
    );
    expect(one.body.status).toBe('in_progress');
    const list = await rest(
      `/repos/tinyland-inc/tinyland.dev/actions/runs/${job.runId}/jobs`,
    );
    assertValid(
      githubRestValidator('/repos/{owner}/{repo}/actions/runs/{run_id}/jobs'),
      list.body,
      'list jobs',
    );
    expect(list.body.jobs.map((j: any) => j.id)).toEqual([job.id]);
    const etag = list.res.headers.get('etag')!;
    const again = await rest(
      `/repos/tinyland-inc/tinyland.dev/actions/runs/${job.runId}/jobs`,
      { 'if-none-match': etag },
    );
    expect(again.res.status).toBe(304);

    // done: completed webhook, runner deleted, the ETag no longer matches
    const done = await step(60_000);
    expect(done.map(x => x.action)).toEqual(['completed']);
    expect(
      runners('tinyland-docker').some(
        r => r.metadata.name === runner.metadata.name,
      ),
    ).toBe(false);
    const after = await rest(
      `/repos/tinyland-inc/tinyland.dev/actions/runs/${job.runId}/jobs`,
      { 'if-none-match': etag },
    );
    expect(after.res.status).toBe(200);
    expect(after.body.jobs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success',
    });
    const run = await rest(`/repos/tinyland-inc/tinyland.dev/actions/runs`);
    expect(
      run.body.workflow_runs.find((r: any) => r.id === job.runId),
    ).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(hooks.map(h => h.payload.action)).toEqual([
      'queued',
      'in_progress',
      'completed',
    ]);
    checkHooks();
  }, 60_000); // the first validation reads GitHub's OpenAPI descriptions (18 MB)

  it('waits for a protection rule before it is queued', async () => {
    const job = await sandbox.github.enqueueJob({
      repo: 'tinyland.dev',
      labels: ['tinyland-docker'],
      waitingMs: 10_000,
      durationMs: 0,
    });
    expect(job.status).toBe('waiting');
    await step(5000);
    expect(sandbox.github.getJob(job.id)!.status).toBe('waiting');
    await step(5000);
    await step(5000);
    expect(sandbox.github.getJob(job.id)!.status).toBe('completed');
    expect(hooks.map(h => h.payload.action)).toEqual([
      'waiting',
      'queued',
      'in_progress',
      'completed',
    ]);
    checkHooks();
  });

  it('keeps jobs queued at capacity and runs them as runners free up', async () => {
    const active = () =>
      runners('tinyland-dind').filter(r => r.status.phase !== 'Failed').length;
    const max = sandbox.k8s.getScaleSet('arc-runners', 'tinyland-dind')!.spec
      .maxRunners;
    const free = max - active();
    const jobs = [];
    for (let i = 0; i <= free; i++)
      jobs.push(
        await sandbox.github.enqueueJob({
          repo: 'lab',
          workflow: 'dind.yml',
          job: 'image',
          labels: ['tinyland-dind'],
          durationMs: 30_000,
        }),
      );
    await step(0);
    expect(active()).toBe(max);
    const last = jobs[jobs.length - 1];
    expect(sandbox.github.getJob(last.id)!.runnerName).toBeUndefined();
    await step(5000); // running
    await step(30_000); // the first ones complete, the last gets a runner
    expect(sandbox.github.getJob(jobs[0].id)!.status).toBe('completed');
    expect(sandbox.github.getJob(last.id)!.runnerName).toBeDefined();
    await step(5000);
    await step(30_000);
    expect(sandbox.github.getJob(last.id)!.status).toBe('completed');
    checkHooks();
  });

  it('leaves jobs queued for a paused scale set, a stopped listener and labels no scale set has', async () => {
    // the seeded honey-gpu job matches nothing and stays queued
    const gpu = sandbox.github
      .listJobs()
      .find(j => j.labels.includes('honey-gpu'))!;
    expect(gpu).toMatchObject({
      repository: 'tinyland-inc/lab',
      status: 'queued',
    });

    sandbox.k8s.patchScaleSet('arc-runners', 'tinyland-docker', {
      spec: { maxRunners: 0 },
    });
    const paused = await sandbox.github.enqueueJob({
      repo: 'tinyland.dev',
      labels: ['tinyland-docker'],
      durationMs: 0,
    });
    await step(1000);
    expect(sandbox.github.getJob(paused.id)!.runnerName).toBeUndefined();
    sandbox.k8s.patchScaleSet('arc-runners', 'tinyland-docker', {
      spec: { maxRunners: 6 },
    });

    sandbox.k8s.stopListener('arc-runners', 'tinyland-docker');
    const l = sandbox.k8s.getListener('arc-runners', 'tinyland-docker');
    expect(l.state).toBe('not-ready');
    expect(
      l.pod!.status.conditions.find((c: any) => c.type === 'Ready').status,
    ).toBe('False');
    await step(1000);
    expect(sandbox.github.getJob(paused.id)!.runnerName).toBeUndefined();
    sandbox.k8s.stopListener('arc-runners', 'tinyland-docker', 'gone');
    expect(
      sandbox.k8s.getListener('arc-runners', 'tinyland-docker').pod,
    ).toBeUndefined();

    sandbox.k8s.startListener('arc-runners', 'tinyland-docker');
    await step(1000);
    await step(5000);
    expect(sandbox.github.getJob(paused.id)!.status).toBe('completed');
    expect(sandbox.github.getJob(gpu.id)!.status).toBe('queued');
    checkHooks();
  });

  it('records runners that fail to start and retries the job later', async () => {
    sandbox.k8s.failRunners(
      'arc-runners',
      'tinyland-nix-heavy',
      'Pod has failed to start more than 5 times: ImagePullBackOff',
    );
    const job = await sandbox.github.enqueueJob({
      repo: 'XoxdWM',
      workflow: 'ci.yml',
      labels: ['tinyland-nix-heavy'],
      durationMs: 0,
    });
    await step(0);
    const failed = sandbox.k8s
      .listEphemeralRunners('arc-runners')
      .filter(
        r =>
          r.status.phase === 'Failed' &&
          r.status.message?.includes('ImagePullBackOff'),
      );
    expect(failed).toHaveLength(1);
    expect(sandbox.github.getJob(job.id)).toMatchObject({
      status: 'queued',
      failedStarts: 1,
    });
    expect(sandbox.github.runnerStartFailures.pop()).toMatchObject({
      jobId: job.id,
      scaleSet: 'arc-runners/tinyland-nix-heavy',
    });
    await step(1000); // before the retry: no new attempt
    expect(sandbox.github.getJob(job.id)!.failedStarts).toBe(1);
    sandbox.k8s.failRunners('arc-runners', 'tinyland-nix-heavy', null);
    await step(30_000);
    await step(5000);
    expect(sandbox.github.getJob(job.id)!.status).toBe('completed');
  });

  it("runs jobs on GitHub-hosted labels on GitHub's runners, not on a scale set", async () => {
    const before = sandbox.k8s.listEphemeralRunners().length;
    const job = await sandbox.github.enqueueJob({
      repo: 'GloriousFlywheel',
      workflow: 'validate.yml',
      job: 'validate',
      labels: ['ubuntu-latest'],
      durationMs: 10_000,
    });
    await step(0);
    await step(5000);
    expect(sandbox.github.getJob(job.id)).toMatchObject({
      status: 'in_progress',
      scaleSet: undefined,
    });
    const payload = sandbox.github.buildWorkflowJobPayload(
      'tinyland-inc',
      'GloriousFlywheel',
      job.id,
    ) as any;
    expect(payload.workflow_job).toMatchObject({
      runner_group_name: 'GitHub Actions',
      runner_group_id: 0,
    });
    expect(payload.workflow_job.runner_name).toMatch(/^GitHub Actions \d+$/);
    expect(sandbox.k8s.listEphemeralRunners()).toHaveLength(before);
    await step(10_000);
    expect(sandbox.github.getJob(job.id)!.status).toBe('completed');
    // a typo of a hosted label is no hosted label: it waits
    const typo = await sandbox.github.enqueueJob({
      repo: 'GloriousFlywheel',
      workflow: 'validate.yml',
      labels: ['ubuntu-lastest'],
    });
    await step(60_000);
    expect(sandbox.github.getJob(typo.id)!.status).toBe('queued');
    checkHooks();
  });

  it('answers bad requests with a clear error and 404 for unknown jobs', async () => {
    const post = (body: unknown) =>
      fetch(`${sandbox.github.url}/_sandbox/github/jobs`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
    const bad = await post({ repo: 'lab', labels: [] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/labels/);
    expect((await post({ repo: 'nope', labels: ['x'] })).status).toBe(400);
    const ok = await post({
      repo: 'lab',
      workflow: 'gpu.yml',
      labels: ['self-hosted', 'honey-gpu'],
    });
    expect(ok.status).toBe(201);
    expect(
      (await rest('/repos/tinyland-inc/lab/actions/jobs/1')).res.status,
    ).toBe(404);
    expect(
      (await rest('/repos/tinyland-inc/lab/actions/runs/1/jobs')).res.status,
    ).toBe(404);
  });

  it("serves the seeded jobs through REST, valid against GitHub's description", async () => {
    for (const j of sandbox.github.listJobs()) {
      const [owner, name] = j.repository.split('/');
      const { body } = await rest(
        `/repos/${owner}/${name}/actions/jobs/${j.id}`,
      );
      assertValid(
        githubRestValidator('/repos/{owner}/{repo}/actions/jobs/{job_id}'),
        body,
        `job ${j.id}`,
      );
      // and the webhook payload of its current state
      const payload = sandbox.github.buildWorkflowJobPayload(owner, name, j.id);
      assertValid(
        githubWebhookValidator(webhookSchema[j.status]),
        payload,
        `payload ${j.id}`,
      );
    }
    const seeded = sandbox.github.listJobs().map(j => j.status);
    expect(new Set(seeded)).toEqual(
      new Set(['queued', 'in_progress', 'completed']),
    );
  }, 60_000);
});

describe('scaleSetMatchesJob', () => {
  const nix = {
    runnerScaleSetName: 'tinyland-nix',
    runnerScaleSetLabels: ['tinyland-nix', 'nix'],
    runnerGroup: 'default',
    githubConfigUrl: 'https://github.com/tinyland-inc',
  };
  const job = (labels: string[], extra = {}) => ({
    owner: 'tinyland-inc',
    repo: 'lab',
    labels,
    ...extra,
  });
  it.each([
    [['tinyland-nix'], true],
    [['self-hosted', 'tinyland-nix'], true],
    [['self-hosted', 'linux', 'x64', 'nix'], true],
    [['self-hosted'], false],
    [['tinyland-nixx'], false],
    [['tinyland-nix', 'gpu'], false],
  ])('%j → %s', (labels, expected) => {
    expect(scaleSetMatchesJob(nix, job(labels))).toBe(expected);
  });
  it('checks scope and runner group', () => {
    expect(
      scaleSetMatchesJob(nix, { ...job(['nix']), owner: 'Jesssullivan' }),
    ).toBe(false);
    expect(
      scaleSetMatchesJob(
        { ...nix, githubConfigUrl: 'https://github.com/tinyland-inc/blahaj' },
        job(['nix']),
      ),
    ).toBe(false);
    expect(
      scaleSetMatchesJob(nix, job(['nix'], { runnerGroup: 'tinyland' })),
    ).toBe(false);
    expect(
      scaleSetMatchesJob(nix, job(['nix'], { runnerGroup: 'Default' })),
    ).toBe(true);
  });
});
