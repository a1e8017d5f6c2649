import {
  isHostedJob,
  matchRunnerClassForLabels,
  RunnerClassDefinition,
  suggestRunnerClass,
} from '../runnerClasses';
import { ClusterStatus, ScaleSet } from '../fleet/types';
import { scaleSetKey } from '../fleet/scaleSet';
import { CacheHealthStatus } from '../caches/types';
import { isJobWaiting, queueSeconds } from './queueStats';
import { scaleSetAcceptsLabels, scaleSetServesRepo } from './scaleSetMatch';
import {
  JobDiagnosis,
  JobDiagnosisKind,
  JobDiagnosisReason,
  ListenerHealth,
  RunnerFailure,
  ActionsJob,
} from './types';

/**
 * Everything the diagnosis of one job looks at; gathered by the backend, never fetched here.
 *
 * @public
 */
export interface JobDiagnosisInput {
  job: Pick<
    ActionsJob,
    | 'id'
    | 'repo'
    | 'name'
    | 'labels'
    | 'status'
    | 'createdAt'
    | 'startedAt'
    | 'htmlUrl'
  >;
  now: Date;
  runnerClasses: readonly RunnerClassDefinition[];
  scaleSets: readonly ScaleSet[];
  clusters: readonly ClusterStatus[];
  /** listener health per scale set; a scale set without an entry is not judged */
  listeners: readonly ListenerHealth[];
  /** recent EphemeralRunners that failed */
  runnerFailures: readonly RunnerFailure[];
  /** other jobs known to wait or run, for the jobs ahead in the queue */
  queuedJobs: ReadonlyArray<
    Pick<ActionsJob, 'id' | 'labels' | 'repo' | 'status' | 'createdAt'>
  >;
  /** the caches of the job's runner class and their health */
  caches: ReadonlyArray<{
    name: string;
    status: CacheHealthStatus;
    message?: string | null;
  }>;
  /** p95 queue time (24 h) of the job's runner class, seconds; null without history */
  classP95Seconds: number | null;
  /** runner group the workflow asks for (`runs-on: { group }`), when known */
  requestedGroup?: string | null;
  /** larger-runner names counted as GitHub-hosted */
  extraHosted?: readonly string[];
  /** page of the audit log, linked from a pause; `?target=<scale set>` is appended */
  auditPath?: string;
}

// The order the reasons are reported in: what blocks first, in the order a person should check it.
const ORDER: readonly JobDiagnosisKind[] = [
  'hosted',
  'no-match',
  'paused',
  'at-capacity',
  'listener',
  'stale-cluster',
  'scope',
  'runners-failing',
  'caches-down',
  'within-p95',
  'beyond-p95',
];

const MAX_EVIDENCE = 5;
const lower = (s: string) => s.toLowerCase();
const sameGroup = (a: string | null, b: string) =>
  lower(a ?? 'default') === lower(b);

function reason(
  kind: JobDiagnosisKind,
  severity: JobDiagnosisReason['severity'],
  summary: string,
  evidence: string[],
  fix: string,
  scaleSets: string[] = [],
  links: JobDiagnosisReason['links'] = [],
): JobDiagnosisReason {
  return {
    kind,
    severity,
    summary,
    evidence: evidence.slice(0, MAX_EVIDENCE),
    fix,
    scaleSets,
    links,
  };
}

/** Block when it holds for every scale set that could take the job, else a warning. */
const severityFor = (hit: number, of: number): JobDiagnosisReason['severity'] =>
  hit === of ? 'block' : 'warning';
const ofSets = (hit: number, of: number) =>
  of > 1 ? ` (${hit} of ${of} scale sets)` : '';

function noMatchSummary(
  suggested: string | undefined,
  runnerClass: string | null,
): string {
  if (suggested) return `no runner class matches; did you mean ${suggested}?`;
  if (runnerClass)
    return `no scale set of runner class ${runnerClass} accepts these labels`;
  return 'no runner class or scale set matches these labels';
}

/**
 * Why a job waits in the queue: the reasons in a fixed order (labels that match nothing, paused
 * scale sets, capacity, listeners, stale cluster data, scope, runners failing to start, caches
 * down), each with its evidence and a fix. When nothing holds it back, one `info` reason compares
 * the wait with the runner class's p95 queue time. A job that is no longer waiting gets no reasons.
 *
 * @public
 */
export function diagnoseJob(input: JobDiagnosisInput): JobDiagnosis {
  const { job, now } = input;
  const queuedSeconds = queueSeconds(job, now);
  const runnerClass =
    matchRunnerClassForLabels(job.labels, input.runnerClasses)?.name ?? null;
  const candidates = input.scaleSets.filter(s =>
    scaleSetAcceptsLabels(s, job.labels),
  );
  const diagnosis: JobDiagnosis = {
    job: {
      id: job.id,
      repo: job.repo,
      name: job.name,
      labels: job.labels,
      status: job.status,
      createdAt: job.createdAt,
      htmlUrl: job.htmlUrl,
    },
    queuedSeconds,
    runnerClass,
    scaleSets: candidates.map(scaleSetKey),
    reasons: [],
  };
  if (!isJobWaiting(job)) return diagnosis;
  const reasons = diagnosis.reasons;
  const labelList = job.labels.length ? job.labels.join(', ') : '(none)';

  const suggestions = job.labels
    .map(label => ({
      label,
      suggestion: suggestRunnerClass(
        label,
        input.runnerClasses,
        input.extraHosted,
      ),
    }))
    .filter(s => s.suggestion);
  if (isHostedJob(job.labels, input.extraHosted)) {
    // `ubuntu-lates` looks hosted but names no image: GitHub queues it forever
    const typo = suggestions.find(s => !s.suggestion!.runnerClass);
    if (typo) {
      reasons.push(
        reason(
          'no-match',
          'block',
          `no GitHub-hosted image matches; did you mean ${
            typo.suggestion!.label
          }?`,
          [
            `runs-on: ${labelList}`,
            `${typo.label} is not a GitHub-hosted image; closest: ${
              typo.suggestion!.label
            }`,
          ],
          `Change runs-on to ${typo.suggestion!.label}.`,
        ),
      );
      return diagnosis;
    }
    reasons.push(
      reason(
        'hosted',
        'info',
        `runs on GitHub-hosted runners (${labelList}), not on this fleet`,
        [`runs-on: ${labelList}`],
        "GitHub-hosted queues are GitHub's: check githubstatus.com and the organisation's concurrency limits, or move the job to a runner class.",
      ),
    );
    return diagnosis;
  }

  if (candidates.length === 0) {
    const first = suggestions[0];
    const classLabels = input.runnerClasses.flatMap(c => c.labels);
    reasons.push(
      reason(
        'no-match',
        'block',
        noMatchSummary(first?.suggestion?.label, runnerClass),
        [
          `runs-on: ${labelList}`,
          ...suggestions.map(
            s =>
              `${s.label} is not served; closest known label: ${
                s.suggestion!.label
              }`,
          ),
          runnerClass
            ? `runner class ${runnerClass} matches, but none of its scale sets accepts every label`
            : `runner class labels: ${
                classLabels.join(', ') || '(none configured)'
              }`,
        ],
        first
          ? `Change runs-on to ${first.suggestion!.label}.`
          : 'Use a runner class label in runs-on, or register a scale set with these labels (runnerScaleSetLabels).',
      ),
    );
    return diagnosis;
  }

  const outOfScope = candidates.filter(
    s =>
      !scaleSetServesRepo(s, job.repo) ||
      (input.requestedGroup && !sameGroup(s.runnerGroup, input.requestedGroup)),
  );
  const pool = candidates.filter(s => !outOfScope.includes(s));
  if (outOfScope.length) {
    reasons.push(
      reason(
        'scope',
        pool.length === 0 ? 'block' : 'info',
        pool.length === 0
          ? `the matching scale sets are registered for another organisation, repository or runner group than ${job.repo}`
          : `${outOfScope.length} matching scale set(s) do not serve ${job.repo}`,
        outOfScope.map(
          s =>
            `${scaleSetKey(s)}: ${
              s.githubConfigUrl || '(no githubConfigUrl)'
            }, runner group ${s.runnerGroup ?? 'Default'}${
              input.requestedGroup
                ? `; the job asks for group ${input.requestedGroup}`
                : ''
            }`,
        ),
        `Register a scale set for ${
          job.repo.split('/')[0]
        } (githubConfigUrl), or give the repository access to the runner group.`,
        outOfScope.map(scaleSetKey),
      ),
    );
  }

  const paused = pool.filter(s => s.paused);
  if (paused.length) {
    const auditPath = input.auditPath ?? '/gloriousflywheel/audit';
    const byWhom = [...new Set(paused.map(s => s.paused!.by))].join(', ');
    reasons.push(
      reason(
        'paused',
        severityFor(paused.length, pool.length),
        `paused by ${byWhom}${ofSets(paused.length, pool.length)}`,
        paused.map(
          s =>
            `${scaleSetKey(s)} paused by ${s.paused!.by} at ${s.paused!.at}: ${
              s.paused!.reason
            }`,
        ),
        `Ask ${byWhom} why, or resume the scale set from the Runner classes page (needs the resume permission).`,
        paused.map(scaleSetKey),
        paused.map(s => ({
          title: `audit log of ${scaleSetKey(s)}`,
          url: `${auditPath}?target=${encodeURIComponent(scaleSetKey(s))}`,
        })),
      ),
    );
  }

  const active = pool.filter(s => !s.paused);
  const full = active.filter(
    s => s.maxRunners !== null && s.runners.current >= s.maxRunners,
  );
  if (full.length) {
    const created = Date.parse(job.createdAt);
    const ahead = input.queuedJobs.filter(
      other =>
        other.id !== job.id &&
        isJobWaiting(other) &&
        (Date.parse(other.createdAt) < created ||
          (Date.parse(other.createdAt) === created && other.id < job.id)) &&
        candidates.some(s => scaleSetAcceptsLabels(s, other.labels)),
    ).length;
    reasons.push(
      reason(
        'at-capacity',
        severityFor(full.length, active.length),
        `at capacity${ofSets(
          full.length,
          active.length,
        )}, ${ahead} job(s) ahead`,
        [
          ...full.map(
            s =>
              `${scaleSetKey(s)}: ${s.runners.current} of at most ${
                s.maxRunners
              } runners`,
          ),
          `${ahead} queued job(s) for the same scale sets were queued earlier`,
        ],
        'Wait for running jobs to finish, or raise maxRunners for the scale set.',
        full.map(scaleSetKey),
      ),
    );
  }

  const keyed = new Map(
    input.listeners.map(l => [`${l.cluster}/${l.namespace}/${l.scaleSet}`, l]),
  );
  const unhealthy = active
    .map(s => keyed.get(scaleSetKey(s)))
    .filter((l): l is ListenerHealth => !!l && l.state !== 'ready');
  if (unhealthy.length) {
    reasons.push(
      reason(
        'listener',
        severityFor(unhealthy.length, active.length),
        unhealthy.every(l => l.state === 'missing')
          ? 'listener missing'
          : 'listener not ready',
        unhealthy.map(
          l =>
            `${l.cluster}/${l.namespace}/${l.scaleSet}: listener ${l.state}${
              l.listener ? ` (${l.listener})` : ''
            }${l.message ? `: ${l.message}` : ''}${
              l.since ? ` since ${l.since}` : ''
            }`,
        ),
        "Without a listener ARC never sees the job: check the controller's logs and the listener Pod (kubectl -n <controller namespace> describe pod <listener>).",
        unhealthy.map(l => `${l.cluster}/${l.namespace}/${l.scaleSet}`),
      ),
    );
  }

  const clusterNames = [...new Set(pool.map(s => s.cluster))];
  const stale = input.clusters.filter(
    c =>
      clusterNames.includes(c.name) &&
      (c.state === 'stale' || c.state === 'error'),
  );
  if (stale.length) {
    reasons.push(
      reason(
        'stale-cluster',
        'warning',
        `cluster data stale (${stale
          .map(c => c.name)
          .join(', ')}): this diagnosis may be out of date`,
        stale.map(
          c =>
            `${c.name}: ${c.state} since ${c.since}, last sync ${
              c.lastSyncAt ?? 'never'
            }${c.message ? `: ${c.message}` : ''}`,
        ),
        "Check the portal's access to the cluster (Runner classes page banner, backend logs).",
        pool
          .filter(s => stale.some(c => c.name === s.cluster))
          .map(scaleSetKey),
      ),
    );
  }

  const failing = active.filter(
    s =>
      s.runners.failed > 0 ||
      input.runnerFailures.some(
        f => `${f.cluster}/${f.namespace}/${f.scaleSet}` === scaleSetKey(s),
      ),
  );
  if (failing.length) {
    const failures = input.runnerFailures.filter(f =>
      failing.some(
        s => `${f.cluster}/${f.namespace}/${f.scaleSet}` === scaleSetKey(s),
      ),
    );
    reasons.push(
      reason(
        'runners-failing',
        severityFor(failing.length, active.length),
        `runners failing to start${ofSets(failing.length, active.length)}`,
        [
          ...failures.map(
            f =>
              `${f.runner}: ${f.message ?? 'failed'}${
                f.at ? ` (${f.at})` : ''
              }`,
          ),
          ...failing.map(
            s =>
              `${scaleSetKey(s)}: ${
                s.runners.failed
              } failed ephemeral runner(s)`,
          ),
        ],
        "Look at the failed EphemeralRunners' messages (image pull, resources, registration token) and fix the runner template.",
        failing.map(scaleSetKey),
      ),
    );
  }

  const down = input.caches.filter(c => c.status === 'down');
  if (down.length) {
    reasons.push(
      reason(
        'caches-down',
        'warning',
        `cache${down.length > 1 ? 's' : ''} down: ${down
          .map(c => c.name)
          .join(', ')} (the job will run, but slowly)`,
        down.map(c => `${c.name}: down${c.message ? `: ${c.message}` : ''}`),
        'See the Caches page; builds fall back to building from source until the cache is back.',
      ),
    );
  }

  if (!reasons.some(r => r.severity === 'block')) {
    const p95 = input.classP95Seconds;
    const within = p95 === null || queuedSeconds <= p95;
    reasons.push(
      reason(
        within ? 'within-p95' : 'beyond-p95',
        'info',
        p95 === null
          ? `queued ${queuedSeconds} s; no queue-time history for this class yet`
          : `queued ${queuedSeconds} s, ${
              within ? 'within' : 'beyond'
            } this class's p95 of ${p95} s`,
        [
          `${active.length} scale set(s) can take the job: ${active
            .map(scaleSetKey)
            .join(', ')}`,
        ],
        within
          ? 'Nothing is wrong: the job should start shortly.'
          : "Nothing found holding it back: GitHub has not assigned it yet; check githubstatus.com and the listener's logs.",
        active.map(scaleSetKey),
      ),
    );
  }
  reasons.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return diagnosis;
}
