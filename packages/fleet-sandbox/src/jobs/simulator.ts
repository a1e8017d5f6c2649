import type {
  GitHubJobConclusion,
  GitHubStore,
  GitHubWorkflowJob,
  GitHubWorkflowRun,
  RepoState,
} from '../github/store';
import { isWorkflowPath } from '../github/store';

/**
 * The job simulator: what GitHub's job dispatch and ARC's listener + controller do together.
 * A queued job goes to a matching scale set (scope, runner group, labels) whose listener is up,
 * that is not paused (maxRunners 0) and below maxRunners; the scale set gets an EphemeralRunner,
 * the runner starts, runs the job for its duration and finishes. Every job transition becomes a
 * `workflow_job` webhook. Time comes from an injectable clock and moves only on `tick()`, so
 * tests step it explicitly; the live sandbox ticks every second.
 */

/** `runs-on` labels of GitHub-hosted runners (ubuntu-latest, windows-2022, macos-15, …). */
export const GITHUB_HOSTED_LABEL =
  /^(ubuntu|windows|macos)-(latest|\d[\w.-]*)$/i;

/** Labels every scale-set runner carries besides its own (self-hosted runners' defaults). */
export const IMPLICIT_RUNNER_LABELS = ['self-hosted', 'linux', 'x64'];

/** One scale set as the job dispatcher sees it (the cluster side reports these). */
export interface FleetScaleSetView {
  namespace: string;
  /** metadata.name of the AutoscalingRunnerSet */
  name: string;
  runnerScaleSetName: string;
  runnerScaleSetLabels: string[];
  /** spec.runnerGroup (`default` when unset) */
  runnerGroup: string;
  githubConfigUrl: string;
  /** undefined = unlimited; 0 = paused */
  maxRunners?: number;
  /** runners pending or running (failed ones hold no capacity) */
  activeRunners: number;
  /** the scale set's listener pod exists and is ready */
  listenerReady: boolean;
}

/** The job a runner was created for (what ARC writes into the EphemeralRunner's status). */
export interface RunnerJobInfo {
  repository: string;
  workflowRef: string;
  jobName: string;
  runId: number;
  jobId: number;
}

/** The cluster side of the simulator: ARC's scale sets, runners and listeners. */
export interface RunnerFleet {
  scaleSets(): FleetScaleSetView[];
  /** Creates an EphemeralRunner; a scale set made to fail gets a Failed runner with its message. */
  startRunner(
    namespace: string,
    scaleSet: string,
    job: RunnerJobInfo,
  ): { runnerName: string; runnerId: number } | { failed: string };
  /**
   * A runner already Running in the scale set that no simulated job owns (seeded runners), now
   * reporting this job; undefined when there is none.
   */
  adoptRunner(
    namespace: string,
    scaleSet: string,
    job: RunnerJobInfo,
  ): { runnerName: string; runnerId: number } | undefined;
  /** The runner took the job: phase Running, job fields set. */
  runnerRunning(
    namespace: string,
    runnerName: string,
    job: RunnerJobInfo,
  ): void;
  /** The job finished: ARC deletes the ephemeral runner. */
  finishRunner(namespace: string, runnerName: string): void;
}

/** A transition the simulator made (also the `workflow_job` action it delivered). */
export interface JobTransition {
  jobId: number;
  repository: string;
  action: 'waiting' | 'queued' | 'in_progress' | 'completed';
  at: string;
  scaleSet?: string;
  runnerName?: string;
}

/** A failed attempt to start a runner for a job. */
export interface RunnerStartFailure {
  jobId: number;
  scaleSet: string;
  message: string;
  at: string;
}

/** What `POST /_sandbox/github/jobs` and `enqueueJob` take. */
export interface EnqueueJobRequest {
  /** `owner/name`, or a name in the sandbox's org */
  repo: string;
  /** `runs-on` labels */
  labels: string[];
  /** job name (default `build`) */
  job?: string;
  /** workflow file name or path in the repo (default: its first workflow) */
  workflow?: string;
  /** `runs-on: { group }` */
  runnerGroup?: string;
  /** add the job to this run of the repo instead of a new run */
  runId?: number;
  /** how long the job runs once its runner started (default: the simulator's jobDurationMs) */
  durationMs?: number;
  conclusion?: GitHubJobConclusion;
  /** waits this long for a protection rule (status `waiting`) before it is queued */
  waitingMs?: number;
}

/** A job with what the simulator knows about it. */
export interface SimulatedJob {
  id: number;
  runId: number;
  repository: string;
  name: string;
  labels: string[];
  runnerGroup?: string;
  status: GitHubWorkflowJob['status'];
  conclusion: GitHubJobConclusion | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  /** `namespace/name` of the scale set that took it */
  scaleSet?: string;
  runnerName?: string;
  /** runner start failures while it waited */
  failedStarts: number;
}

export interface JobSimulatorOptions {
  store: GitHubStore;
  org: string;
  /** delivers one `workflow_job` payload for a job to every configured webhook URL */
  deliver(repo: RepoState, job: GitHubWorkflowJob): Promise<void>;
  fleet?: RunnerFleet;
  clock: () => number;
  /** runner Pending → Running (default 5 s) */
  runnerStartupMs?: number;
  /** job run time when the request gives none (default 60 s) */
  jobDurationMs?: number;
  /** after a failed runner start, the next attempt for the job (default 30 s) */
  retryMs?: number;
}

interface JobState {
  repo: RepoState;
  job: GitHubWorkflowJob;
  workflowPath: string;
  durationMs: number;
  conclusion: GitHubJobConclusion;
  waitUntil?: number;
  nextAttemptAt: number;
  runner?: { namespace: string; scaleSet: string; name: string; id: number };
  /** a GitHub-hosted runner took it (no scale set involved) */
  hosted?: { name: string; id: number };
  runningAt?: number;
  finishAt?: number;
  failedStarts: number;
}

const iso = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const lower = (s: string) => s.toLowerCase();

/** Whether a scale set registered at `githubConfigUrl` serves `owner/name`. */
export function scaleSetServesRepo(
  githubConfigUrl: string,
  owner: string,
  name: string,
): boolean {
  let parts: string[];
  try {
    parts = new URL(githubConfigUrl).pathname.split('/').filter(Boolean);
  } catch {
    return false;
  }
  if (parts[0] === 'enterprises') return true;
  if (!parts[0] || lower(parts[0]) !== lower(owner)) return false;
  return !parts[1] || lower(parts[1]) === lower(name);
}

/** Whether a job's `runs-on` can go to a scale set: every label is one the scale set's runners have. */
export function scaleSetMatchesJob(
  s: Pick<
    FleetScaleSetView,
    | 'runnerScaleSetName'
    | 'runnerScaleSetLabels'
    | 'runnerGroup'
    | 'githubConfigUrl'
  >,
  job: { owner: string; repo: string; labels: string[]; runnerGroup?: string },
): boolean {
  if (!scaleSetServesRepo(s.githubConfigUrl, job.owner, job.repo)) return false;
  if (job.runnerGroup && lower(job.runnerGroup) !== lower(s.runnerGroup))
    return false;
  const own = new Set(
    [s.runnerScaleSetName, ...s.runnerScaleSetLabels].map(lower),
  );
  const wanted = job.labels.map(lower);
  // a job needs at least one of the scale set's own labels, not only the defaults
  if (!wanted.some(l => own.has(l))) return false;
  return wanted.every(l => own.has(l) || IMPLICIT_RUNNER_LABELS.includes(l));
}

/** GitHub's name for a runner group (`default` is the org's "Default" group, id 1). */
const groupName = (g: string) => (lower(g) === 'default' ? 'Default' : g);

export class JobSimulator {
  private readonly jobs = new Map<number, JobState>();
  private readonly groupIds = new Map<string, number>([['default', 1]]);
  private ticking: Promise<JobTransition[]> | undefined;
  private hostedRunners = 0;
  readonly failures: RunnerStartFailure[] = [];
  readonly runnerStartupMs: number;
  readonly jobDurationMs: number;
  readonly retryMs: number;

  constructor(private readonly options: JobSimulatorOptions) {
    this.runnerStartupMs = options.runnerStartupMs ?? 5_000;
    this.jobDurationMs = options.jobDurationMs ?? 60_000;
    this.retryMs = options.retryMs ?? 30_000;
  }

  now(): number {
    return this.options.clock();
  }

  private repoOf(spec: string): RepoState {
    const [owner, name] = spec.includes('/')
      ? spec.split('/', 2)
      : [this.options.org, spec];
    const r = this.options.store.get(owner, name);
    if (!r) throw new Error(`no repository ${owner}/${name}`);
    return r;
  }

  private workflowOf(r: RepoState, workflow?: string): string {
    const paths = [...r.workflowIds.keys()].filter(
      p => r.files.has(p) && isWorkflowPath(p),
    );
    if (!workflow) {
      if (!paths.length)
        throw new Error(`${r.owner}/${r.name} has no workflow to run jobs of`);
      return paths[0];
    }
    const path = workflow.includes('/')
      ? workflow
      : `.github/workflows/${workflow}`;
    if (!paths.includes(path))
      throw new Error(`no workflow ${path} in ${r.owner}/${r.name}`);
    return path;
  }

  private view(s: JobState): SimulatedJob {
    const j = s.job;
    return {
      id: j.id,
      runId: j.runId,
      repository: `${s.repo.owner}/${s.repo.name}`,
      name: j.name,
      labels: [...j.labels],
      runnerGroup: j.runnerGroup,
      status: j.status,
      conclusion: j.conclusion,
      createdAt: j.createdAt,
      startedAt: j.startedAt,
      completedAt: j.completedAt,
      scaleSet: s.runner && `${s.runner.namespace}/${s.runner.scaleSet}`,
      runnerName: s.runner?.name ?? s.hosted?.name,
      failedStarts: s.failedStarts,
    };
  }

  list(): SimulatedJob[] {
    return [...this.jobs.values()].map(s => this.view(s));
  }

  get(id: number): SimulatedJob | undefined {
    const s = this.jobs.get(id);
    return s && this.view(s);
  }

  private validate(req: EnqueueJobRequest) {
    if (!req || typeof req.repo !== 'string' || !req.repo)
      throw new Error('repo is required (owner/name)');
    if (
      !Array.isArray(req.labels) ||
      !req.labels.length ||
      req.labels.some(l => typeof l !== 'string' || !l.trim())
    )
      throw new Error('labels must be a non-empty array of strings');
    for (const k of ['durationMs', 'waitingMs'] as const) {
      const v = req[k];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0))
        throw new Error(`${k} must be a number of milliseconds >= 0`);
    }
    if (
      req.conclusion !== undefined &&
      !['success', 'failure', 'cancelled'].includes(req.conclusion)
    )
      throw new Error('conclusion must be success, failure or cancelled');
    if (req.runnerGroup !== undefined && typeof req.runnerGroup !== 'string')
      throw new Error('runnerGroup must be a string');
  }

  /** Queues a job (status waiting first if `waitingMs`); delivers its first webhook. */
  async enqueue(req: EnqueueJobRequest): Promise<SimulatedJob> {
    this.validate(req);
    const { store } = this.options;
    const r = this.repoOf(req.repo);
    const now = this.now();
    const at = iso(now);
    let run: GitHubWorkflowRun | undefined;
    if (req.runId !== undefined) {
      run = r.runs.find(x => x.id === Number(req.runId));
      if (!run) throw new Error(`no run ${req.runId} in ${r.owner}/${r.name}`);
    } else {
      run = store.addRun(r, this.workflowOf(r, req.workflow), null, at);
    }
    const waiting = (req.waitingMs ?? 0) > 0;
    const state = this.track(
      r,
      run,
      req,
      at,
      now,
      waiting ? now + req.waitingMs! : undefined,
    );
    await this.options.deliver(r, state.job);
    return this.view(state);
  }

  /** Adds the request's job to `run` (`waiting` until `waitUntil`, if given) and tracks it. */
  private track(
    r: RepoState,
    run: GitHubWorkflowRun,
    req: EnqueueJobRequest,
    at: string,
    now: number,
    waitUntil?: number,
  ): JobState {
    const job = this.options.store.addJob(
      r,
      run,
      {
        name: req.job ?? 'build',
        labels: req.labels,
        runnerGroup: req.runnerGroup,
      },
      at,
      waitUntil === undefined ? 'queued' : 'waiting',
    );
    const state: JobState = {
      repo: r,
      job,
      workflowPath: run.workflowPath,
      durationMs: req.durationMs ?? this.jobDurationMs,
      conclusion: req.conclusion ?? 'success',
      waitUntil,
      nextAttemptAt: now,
      failedStarts: 0,
    };
    this.jobs.set(job.id, state);
    return state;
  }

  /**
   * A job from before the sandbox started (seed data; no webhooks): queued `queuedAgoMs` ago and,
   * for in_progress / completed, picked up `queuedForMs` later by a matching scale set's runner.
   */
  seed(
    req: EnqueueJobRequest & {
      status: 'queued' | 'in_progress' | 'completed';
      queuedAgoMs: number;
      queuedForMs?: number;
    },
  ): SimulatedJob {
    this.validate(req);
    const { store, fleet } = this.options;
    const r = this.repoOf(req.repo);
    const now = this.now();
    const created = now - req.queuedAgoMs;
    const run = store.addRun(
      r,
      this.workflowOf(r, req.workflow),
      null,
      iso(created),
    );
    const state = this.track(r, run, req, iso(created), now);
    const { job } = state;
    if (req.status !== 'queued' && fleet) {
      const target = this.place(state, fleet.scaleSets());
      if (target) {
        const started = created + (req.queuedForMs ?? 20_000);
        const pickedUp = () => {
          job.startedAt = iso(started);
          job.runnerGroupName = groupName(target.runnerGroup);
          job.runnerGroupId = this.groupId(target.runnerGroup);
        };
        if (req.status === 'completed') {
          pickedUp();
          job.status = 'completed';
          job.conclusion = state.conclusion;
          job.completedAt = iso(Math.min(now, started + state.durationMs));
          // its ephemeral runner is gone; GitHub keeps the name it had
          job.runnerId = 900_000 + (job.id % 100_000);
          job.runnerName = `${target.name}-${(job.id % 46_656)
            .toString(36)
            .padStart(3, '0')}-runner-seed`;
        } else {
          // a seeded Running runner takes it, so the seed's runner counts stay as they are
          const adopted = fleet.adoptRunner(
            target.namespace,
            target.name,
            this.runnerJob(state),
          );
          const runner =
            adopted ??
            fleet.startRunner(
              target.namespace,
              target.name,
              this.runnerJob(state),
            );
          if (!('failed' in runner)) {
            pickedUp();
            if (!adopted)
              fleet.runnerRunning(
                target.namespace,
                runner.runnerName,
                this.runnerJob(state),
              );
            state.runner = {
              namespace: target.namespace,
              scaleSet: target.name,
              name: runner.runnerName,
              id: runner.runnerId,
            };
            job.status = 'in_progress';
            job.runnerId = runner.runnerId;
            job.runnerName = runner.runnerName;
            state.finishAt = started + state.durationMs;
          }
        }
      }
    }
    store.syncRun(r, run);
    return this.view(state);
  }

  private groupId(name: string): number {
    const k = lower(name);
    if (!this.groupIds.has(k)) this.groupIds.set(k, this.groupIds.size + 1);
    return this.groupIds.get(k)!;
  }

  private runnerJob(s: JobState): RunnerJobInfo {
    const repository = `${s.repo.owner}/${s.repo.name}`;
    return {
      repository,
      workflowRef: `${repository}/${s.workflowPath}@refs/heads/${s.repo.defaultBranch}`,
      jobName: s.job.name,
      runId: s.job.runId,
      jobId: s.job.id,
    };
  }

  /** A scale set for a queued job: matching, listener up, not paused, below maxRunners. */
  private place(s: JobState, sets: FleetScaleSetView[]) {
    const job = {
      owner: s.repo.owner,
      repo: s.repo.name,
      labels: s.job.labels,
      runnerGroup: s.job.runnerGroup,
    };
    return sets.find(
      x =>
        x.listenerReady &&
        x.maxRunners !== 0 &&
        (x.maxRunners === undefined || x.activeRunners < x.maxRunners) &&
        scaleSetMatchesJob(x, job),
    );
  }

  /** Jobs on GitHub-hosted labels only: GitHub's own runners take them, never a scale set. */
  private hostedJob(j: GitHubWorkflowJob) {
    return j.labels.every(l => GITHUB_HOSTED_LABEL.test(l));
  }

  private async runHosted(
    s: JobState,
    now: number,
    at: string,
    emit: (s: JobState, extra?: Partial<JobTransition>) => Promise<void>,
  ) {
    const j = s.job;
    if (!s.hosted) {
      this.hostedRunners++;
      s.hosted = {
        name: `GitHub Actions ${this.hostedRunners}`,
        id: this.hostedRunners,
      };
      s.runningAt = now + this.runnerStartupMs;
    }
    if (now < s.runningAt!) return;
    j.status = 'in_progress';
    j.startedAt = at;
    j.runnerId = s.hosted.id;
    j.runnerName = s.hosted.name;
    // GitHub reports hosted jobs in the "GitHub Actions" group, id 0
    j.runnerGroupName = 'GitHub Actions';
    j.runnerGroupId = 0;
    s.finishAt = now + s.durationMs;
    await emit(s, { runnerName: s.hosted.name });
    if (now >= s.finishAt) {
      j.status = 'completed';
      j.conclusion = s.conclusion;
      j.completedAt = at;
      await emit(s, { runnerName: s.hosted.name });
    }
  }

  /** Applies every transition due at the clock's time, in order; delivers their webhooks. */
  tick(): Promise<JobTransition[]> {
    // one tick at a time: the interval and explicit calls may overlap
    const previous = this.ticking ?? Promise.resolve([]);
    const next = previous.then(() => this.step());
    this.ticking = next.catch(() => []);
    return next;
  }

  private async step(): Promise<JobTransition[]> {
    const { fleet, store } = this.options;
    const now = this.now();
    const at = iso(now);
    const out: JobTransition[] = [];
    const emit = async (s: JobState, extra: Partial<JobTransition> = {}) => {
      const run = s.repo.runs.find(x => x.id === s.job.runId);
      if (run) store.syncRun(s.repo, run);
      out.push({
        jobId: s.job.id,
        repository: `${s.repo.owner}/${s.repo.name}`,
        action: s.job.status,
        at,
        ...extra,
      });
      await this.options.deliver(s.repo, s.job);
    };
    const sets = fleet ? fleet.scaleSets() : [];
    // first what frees capacity (and what becomes queued), then placement in queue order
    for (const s of this.jobs.values()) {
      const j = s.job;
      if (
        j.status === 'waiting' &&
        s.waitUntil !== undefined &&
        now >= s.waitUntil
      ) {
        j.status = 'queued';
        await emit(s);
      }
      if (
        j.status === 'in_progress' &&
        s.finishAt !== undefined &&
        now >= s.finishAt
      ) {
        j.status = 'completed';
        j.conclusion = s.conclusion;
        j.completedAt = at;
        if (s.hosted) {
          await emit(s, { runnerName: s.hosted.name });
          continue;
        }
        fleet?.finishRunner(s.runner!.namespace, s.runner!.name);
        const set = sets.find(
          x =>
            x.namespace === s.runner!.namespace &&
            x.name === s.runner!.scaleSet,
        );
        if (set) set.activeRunners--;
        await emit(s, {
          scaleSet: `${s.runner!.namespace}/${s.runner!.scaleSet}`,
          runnerName: s.runner!.name,
        });
      }
    }
    for (const s of this.jobs.values()) {
      const j = s.job;
      if (
        j.status === 'queued' &&
        !s.runner &&
        (s.hosted || this.hostedJob(j))
      ) {
        await this.runHosted(s, now, at, emit);
        continue;
      }
      if (j.status !== 'queued' || !fleet) continue;
      if (!s.runner) {
        if (now < s.nextAttemptAt) continue;
        const target = this.place(s, sets);
        if (!target) continue;
        const started = fleet.startRunner(
          target.namespace,
          target.name,
          this.runnerJob(s),
        );
        if ('failed' in started) {
          s.failedStarts++;
          s.nextAttemptAt = now + this.retryMs;
          this.failures.push({
            jobId: j.id,
            scaleSet: `${target.namespace}/${target.name}`,
            message: started.failed,
            at,
          });
          if (this.failures.length > 1000) this.failures.shift();
          continue;
        }
        target.activeRunners++;
        s.runner = {
          namespace: target.namespace,
          scaleSet: target.name,
          name: started.runnerName,
          id: started.runnerId,
        };
        s.runningAt = now + this.runnerStartupMs;
      }
      if (s.runningAt !== undefined && now >= s.runningAt) {
        const set = sets.find(
          x =>
            x.namespace === s.runner!.namespace &&
            x.name === s.runner!.scaleSet,
        );
        fleet.runnerRunning(
          s.runner.namespace,
          s.runner.name,
          this.runnerJob(s),
        );
        const group = set?.runnerGroup ?? 'default';
        j.status = 'in_progress';
        j.startedAt = at;
        j.runnerId = s.runner.id;
        j.runnerName = s.runner.name;
        j.runnerGroupName = groupName(group);
        j.runnerGroupId = this.groupId(group);
        s.finishAt = now + s.durationMs;
        await emit(s, {
          scaleSet: `${s.runner.namespace}/${s.runner.scaleSet}`,
          runnerName: s.runner.name,
        });
        // a zero-length job finishes in the same tick
        if (now >= s.finishAt) {
          j.status = 'completed';
          j.conclusion = s.conclusion;
          j.completedAt = at;
          fleet.finishRunner(s.runner.namespace, s.runner.name);
          if (set) set.activeRunners--;
          await emit(s, {
            scaleSet: `${s.runner.namespace}/${s.runner.scaleSet}`,
            runnerName: s.runner.name,
          });
        }
      }
    }
    return out;
  }
}

/** A clock tests move by hand. */
export interface ManualClock {
  now(): number;
  /** moves time forward by `ms` */
  advance(ms: number): number;
  set(ms: number): void;
}

/** A manual clock starting at `startMs` (default: now). */
export function createManualClock(startMs = Date.now()): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: ms => (t += ms),
    set: ms => {
      t = ms;
    },
  };
}
