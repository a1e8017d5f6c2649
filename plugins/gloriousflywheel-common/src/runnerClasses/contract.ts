import { staleEndpointMatcher } from '../scorecard/checks/staleCacheEndpoints';
import type {
  ArcVersionFacts,
  ContractCache,
  ContractCheckId,
  ContractCheckResult,
  ContractEvidence,
  ContractScore,
  ContractVerdict,
  RunnerClassContract,
  RunnerClassContractReport,
  RunnerEnvVar,
  RunnerTemplateFacts,
  ScaleSetContract,
} from './contractTypes';

/** Titles of the contract's checks, in the order they are shown. @public */
export const CONTRACT_CHECKS: ReadonlyArray<{
  id: ContractCheckId;
  title: string;
}> = [
  { id: 'cache-env-present', title: 'Cache environment present' },
  { id: 'cache-env-target', title: 'Points at a configured, healthy cache' },
  { id: 'no-stale-endpoint', title: 'No stale cache endpoint' },
  { id: 'memory-envelope', title: 'Memory limit within the envelope' },
  { id: 'arc-version', title: 'ARC version matches the pin and the fleet' },
  { id: 'image-tag', title: 'Runner image tag consistent across the class' },
];

/** The part of a scale set the contract reads. @public */
export interface ContractScaleSet {
  cluster: string;
  namespace: string;
  name: string;
  runnerClass: string | null;
  runner: RunnerTemplateFacts;
  arc: ArcVersionFacts;
}

/** Inputs of {@link evaluateRunnerClassContracts}. @public */
export interface RunnerClassContractInput {
  classes: ReadonlyArray<{ name: string; contract?: RunnerClassContract }>;
  /** the whole fleet: ARC versions are compared across all of it */
  scaleSets: readonly ContractScaleSet[];
  caches: readonly ContractCache[];
  /** patterns of endpoints that must no longer be used (`cacheProbe.staleEndpoints`) */
  staleEndpoints: readonly string[];
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
};

/**
 * A Kubernetes quantity (`512Mi`, `4Gi`, `1e9`, `1500M`) in base units; null when it is not one.
 *
 * @public
 */
export function parseQuantity(q: string): number | null {
  const m =
    /^([+]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?$/.exec(
      q.trim(),
    );
  if (!m) return null;
  const n =
    Number(m[1]) *
    (m[2] !== undefined ? 10 ** Number(m[2]) : UNITS[m[3] ?? '']);
  return Number.isFinite(n) ? n : null;
}

const keyOf = (s: { cluster: string; namespace: string; name: string }) =>
  `${s.cluster}/${s.namespace}/${s.name}`;

function check(
  id: ContractCheckId,
  verdict: ContractVerdict,
  message: string,
  evidence: ContractEvidence[] = [],
): ContractCheckResult {
  const title = CONTRACT_CHECKS.find(c => c.id === id)!.title;
  return { id, title, verdict, message, evidence };
}

/** `http://host:8080/attic` → host, port, path, for "does this value point at that cache". */
function endpoint(
  value: string,
): { host: string; port: string; path: string } | null {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) return null;
  try {
    const u = new URL(value.trim());
    const defaultPort: Record<string, string> = {
      'http:': '80',
      'https:': '443',
    };
    return {
      host: u.hostname.toLowerCase(),
      port: u.port || defaultPort[u.protocol] || '',
      path: u.pathname.replace(/\/+$/, ''),
    };
  } catch {
    return null;
  }
}

/** The configured caches a value points at: the same endpoint (host, port, path prefix) or, for a bare word, the Attic cache name. */
function cachesAt(
  value: string,
  caches: readonly ContractCache[],
): ContractCache[] {
  const v = endpoint(value);
  if (!v)
    return caches.filter(
      c => c.kind === 'attic' && (c.cache ?? c.name) === value.trim(),
    );
  return caches.filter(c => {
    const e = endpoint(c.url);
    return (
      e &&
      e.host === v.host &&
      e.port === v.port &&
      (v.path === e.path || v.path.startsWith(`${e.path}/`))
    );
  });
}

const envEvidence = (
  key: string,
  e: RunnerEnvVar,
  note?: string,
): ContractEvidence => ({
  scaleSet: key,
  path: e.valueFrom ? `${e.path}.valueFrom` : `${e.path}.value`,
  value: e.valueFrom ? null : e.value,
  ...(e.valueFrom || note
    ? {
        note: [
          e.valueFrom ? `reference ${e.valueFrom}, not resolved` : '',
          note ?? '',
        ]
          .filter(Boolean)
          .join('; '),
      }
    : {}),
});

const worst = (verdicts: ContractVerdict[]): ContractVerdict => {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('unknown')) return 'unknown';
  if (verdicts.includes('pass')) return 'pass';
  return 'not-applicable';
};

function noTemplate(id: ContractCheckId, key: string): ContractCheckResult {
  return check(
    id,
    'unknown',
    'no runner container in spec.template: nothing to check',
    [
      {
        scaleSet: key,
        path: 'spec.template.spec.containers',
        value: null,
        note: 'no container named runner',
      },
    ],
  );
}

function cacheEnvPresent(
  key: string,
  contract: RunnerClassContract,
  runner: RunnerTemplateFacts,
): ContractCheckResult {
  const id = 'cache-env-present';
  if (!contract.cacheEnv.length)
    return check(
      id,
      'not-applicable',
      'the class promises no cache environment',
    );
  if (!runner.containerPath) return noTemplate(id, key);
  const missing = contract.cacheEnv
    .filter(x => !runner.env.some(e => e.name === x.name))
    .map(x => x.name);
  const present = runner.env.filter(e =>
    contract.cacheEnv.some(x => x.name === e.name),
  );
  const evidence = [
    ...present.map(e => envEvidence(key, e)),
    ...missing.map(name => ({
      scaleSet: key,
      path: `${runner.containerPath}.env`,
      value: null,
      note: `${name} is not set`,
    })),
  ];
  return missing.length
    ? check(id, 'fail', `missing ${missing.join(', ')}`, evidence)
    : check(id, 'pass', `${present.map(e => e.name).join(', ')} set`, evidence);
}

function cacheEnvTarget(
  key: string,
  contract: RunnerClassContract,
  runner: RunnerTemplateFacts,
  caches: readonly ContractCache[],
): ContractCheckResult {
  const id = 'cache-env-target';
  const targets = contract.cacheEnv.filter(x => x.cache !== undefined);
  if (!targets.length)
    return check(
      id,
      'not-applicable',
      'the class names no cache its environment must point at',
    );
  if (!runner.containerPath) return noTemplate(id, key);
  const results: Array<{
    verdict: ContractVerdict;
    text: string;
    evidence: ContractEvidence;
  }> = targets.map(x => {
    const e = runner.env.find(v => v.name === x.name);
    const wanted = x.cache === '*' ? 'a configured cache' : `cache ${x.cache}`;
    if (!e) {
      return {
        verdict: 'unknown',
        text: `${x.name} not set`,
        evidence: {
          scaleSet: key,
          path: `${runner.containerPath}.env`,
          value: null,
          note: `${x.name} is not set`,
        },
      };
    }
    if (e.valueFrom || e.value === null) {
      return {
        verdict: 'unknown',
        text: `${x.name} comes from ${e.valueFrom}`,
        evidence: envEvidence(key, e),
      };
    }
    const hits = cachesAt(e.value, caches).filter(
      c => x.cache === '*' || c.name === x.cache,
    );
    if (!hits.length) {
      return {
        verdict: 'fail',
        text: `${x.name} does not point at ${wanted}`,
        evidence: envEvidence(key, e, `expected ${wanted}`),
      };
    }
    const best =
      hits.find(c => c.health === 'healthy') ??
      hits.find(c => c.health === 'degraded') ??
      hits.find(c => c.health === 'unknown') ??
      hits[0];
    const names = `${x.name} → ${best.name}`;
    if (best.health === 'down')
      return {
        verdict: 'fail',
        text: `${names}, which is down`,
        evidence: envEvidence(key, e, `${best.name} is down`),
      };
    if (best.health === 'unknown')
      return {
        verdict: 'unknown',
        text: `${names}, health not known yet`,
        evidence: envEvidence(key, e, `${best.name}: not probed yet`),
      };
    return {
      verdict: 'pass',
      text: `${names} (${best.health})`,
      evidence: envEvidence(key, e, `${best.name} ${best.health}`),
    };
  });
  const verdict = worst(results.map(r => r.verdict));
  const shown = results.filter(r => r.verdict === verdict);
  return check(
    id,
    verdict,
    shown.map(r => r.text).join('; '),
    results.map(r => r.evidence),
  );
}

function noStaleEndpoint(
  key: string,
  contract: RunnerClassContract,
  runner: RunnerTemplateFacts,
  stale: ReadonlyArray<{ pattern: string; test(text: string): boolean }>,
): ContractCheckResult {
  const id = 'no-stale-endpoint';
  if (!stale.length)
    return check(
      id,
      'not-applicable',
      'no stale endpoints configured (cacheProbe.staleEndpoints)',
    );
  if (!runner.containerPath) return noTemplate(id, key);
  const hits = runner.env.flatMap(e => {
    const p = e.value !== null ? stale.find(s => s.test(e.value!)) : undefined;
    return p
      ? [envEvidence(key, e, `matches stale endpoint ${p.pattern}`)]
      : [];
  });
  if (hits.length)
    return check(
      id,
      'fail',
      `stale endpoint in ${hits.map(h => h.path).join(', ')}`,
      hits,
    );
  // a referenced value of a promised cache variable cannot be checked
  const hidden = runner.env.filter(
    e => e.valueFrom && contract.cacheEnv.some(x => x.name === e.name),
  );
  if (hidden.length) {
    return check(
      id,
      'unknown',
      `${hidden.map(e => e.name).join(', ')} set by reference: not checked`,
      hidden.map(e => envEvidence(key, e)),
    );
  }
  return check(id, 'pass', 'no environment value matches a stale endpoint', []);
}

function memoryEnvelope(
  key: string,
  contract: RunnerClassContract,
  runner: RunnerTemplateFacts,
): ContractCheckResult {
  const id = 'memory-envelope';
  const envelope = contract.memory;
  if (!envelope)
    return check(id, 'not-applicable', 'the class has no memory envelope');
  if (!runner.containerPath) return noTemplate(id, key);
  const limitPath = `${runner.containerPath}.resources.limits.memory`;
  const requestPath = `${runner.containerPath}.resources.requests.memory`;
  const evidence: ContractEvidence[] = [
    { scaleSet: key, path: limitPath, value: runner.memoryLimit },
    { scaleSet: key, path: requestPath, value: runner.memoryRequest },
  ];
  const range = `${envelope.min}–${envelope.max}`;
  if (runner.memoryLimit === null) {
    return check(
      id,
      'fail',
      `no memory limit: a runner may take the node's memory (envelope ${range})`,
      evidence,
    );
  }
  const limit = parseQuantity(runner.memoryLimit);
  const min = parseQuantity(envelope.min);
  const max = parseQuantity(envelope.max);
  // without a request Kubernetes requests the limit
  const request =
    runner.memoryRequest === null ? limit : parseQuantity(runner.memoryRequest);
  if (limit === null || min === null || max === null || request === null) {
    return check(
      id,
      'unknown',
      `cannot read ${[
        runner.memoryLimit,
        runner.memoryRequest,
        envelope.min,
        envelope.max,
      ].join(', ')} as quantities`,
      evidence,
    );
  }
  if (limit < min) {
    return check(
      id,
      'fail',
      `memory limit ${runner.memoryLimit} is below the class's envelope ${range}: jobs are OOM-killed before they get what the class promises`,
      evidence,
    );
  }
  if (limit > max) {
    return check(
      id,
      'fail',
      `memory limit ${runner.memoryLimit} is above the class's envelope ${range}`,
      evidence,
    );
  }
  if (request > limit) {
    return check(
      id,
      'fail',
      `memory request ${runner.memoryRequest} is above the limit ${runner.memoryLimit}`,
      evidence,
    );
  }
  return check(
    id,
    'pass',
    `limit ${runner.memoryLimit} within ${range}`,
    evidence,
  );
}

function arcVersion(
  key: string,
  contract: RunnerClassContract,
  arc: ArcVersionFacts,
  fleetVersions: ReadonlyMap<string, string[]>,
): ContractCheckResult {
  const id = 'arc-version';
  if (!arc.version || !arc.path) {
    return check(
      id,
      'unknown',
      'no app.kubernetes.io/version or helm.sh/chart label',
      [
        {
          scaleSet: key,
          path: "metadata.labels['app.kubernetes.io/version']",
          value: null,
        },
      ],
    );
  }
  const evidence = [
    {
      scaleSet: key,
      path: arc.path,
      value: arc.path.includes('helm.sh/chart') ? arc.chart : arc.version,
    },
  ];
  const problems: string[] = [];
  if (contract.arcVersion && arc.version !== contract.arcVersion)
    problems.push(`ARC ${arc.version}, pinned ${contract.arcVersion}`);
  const others = [...fleetVersions].filter(([v]) => v !== arc.version);
  if (others.length) {
    const mine = fleetVersions.get(arc.version)?.length ?? 0;
    const most = Math.max(...others.map(([, ks]) => ks.length));
    // only the scale sets off the fleet's majority are the odd ones out
    if (most >= mine)
      problems.push(
        `the rest of the fleet runs ${others.map(([v]) => v).join(', ')}`,
      );
  }
  return problems.length
    ? check(id, 'fail', problems.join('; '), evidence)
    : check(
        id,
        'pass',
        `ARC ${arc.version}${contract.arcVersion ? ' (the pin)' : ''}`,
        evidence,
      );
}

function imageTagCheck(
  key: string,
  runner: RunnerTemplateFacts,
  classTags: ReadonlyMap<string, string[]>,
): ContractCheckResult {
  const id = 'image-tag';
  if (!runner.containerPath || !runner.image || !runner.imageTag) {
    return runner.containerPath
      ? check(id, 'unknown', 'the runner container names no image', [
          { scaleSet: key, path: `${runner.containerPath}.image`, value: null },
        ])
      : noTemplate(id, key);
  }
  const evidence = [
    {
      scaleSet: key,
      path: `${runner.containerPath}.image`,
      value: runner.image,
    },
  ];
  const others = [...classTags].filter(([t]) => t !== runner.imageTag);
  const mine = classTags.get(runner.imageTag)?.length ?? 0;
  // the majority's tag is the class's; a tie leaves every side at fault
  if (others.length && Math.max(...others.map(([, ks]) => ks.length)) >= mine) {
    return check(
      id,
      'fail',
      `tag ${runner.imageTag}; other scale sets of the class run ${others
        .map(([t, ks]) => `${t} (${ks.join(', ')})`)
        .join(', ')}`,
      evidence,
    );
  }
  return check(id, 'pass', `tag ${runner.imageTag}`, evidence);
}

/** passed / failed / unknown over the applicable checks. @public */
export function scoreContract(
  checks: readonly ContractCheckResult[],
): ContractScore {
  const count = (v: ContractVerdict) =>
    checks.filter(c => c.verdict === v).length;
  return {
    passed: count('pass'),
    failed: count('fail'),
    unknown: count('unknown'),
    applicable: checks.filter(c => c.verdict !== 'not-applicable').length,
  };
}

const group = (pairs: Array<[string, string]>) => {
  const out = new Map<string, string[]>();
  for (const [k, v] of pairs) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
};

/**
 * Checks each configured runner class's contract against its live scale sets: per scale set,
 * with the field paths as evidence, and rolled up per class (a check fails when any scale set
 * fails it, is unknown when any cannot be decided, never passes without data). A class with no
 * scale set is unknown on every check that applies.
 *
 * @public
 */
export function evaluateRunnerClassContracts(
  input: RunnerClassContractInput,
): RunnerClassContractReport[] {
  const stale = input.staleEndpoints.map(pattern =>
    Object.assign(staleEndpointMatcher(pattern), { pattern }),
  );
  const fleetVersions = group(
    input.scaleSets.flatMap(s =>
      s.arc.version ? [[s.arc.version, keyOf(s)] as [string, string]] : [],
    ),
  );
  return input.classes.map(c => {
    const contract: RunnerClassContract = c.contract ?? { cacheEnv: [] };
    const members = input.scaleSets.filter(s => s.runnerClass === c.name);
    const tags = group(
      members.flatMap(s =>
        s.runner.imageTag
          ? [[s.runner.imageTag, keyOf(s)] as [string, string]]
          : [],
      ),
    );
    const scaleSets: ScaleSetContract[] = members.map(s => {
      const key = keyOf(s);
      const checks = [
        cacheEnvPresent(key, contract, s.runner),
        cacheEnvTarget(key, contract, s.runner, input.caches),
        noStaleEndpoint(key, contract, s.runner, stale),
        memoryEnvelope(key, contract, s.runner),
        arcVersion(key, contract, s.arc, fleetVersions),
        imageTagCheck(key, s.runner, tags),
      ];
      return { scaleSet: key, checks, ...scoreContract(checks) };
    });
    const checks = CONTRACT_CHECKS.map(({ id, title }) => {
      if (!scaleSets.length) {
        // what applies is known from the contract alone; whether it holds is not
        const applies =
          (id === 'cache-env-present' && contract.cacheEnv.length > 0) ||
          (id === 'cache-env-target' &&
            contract.cacheEnv.some(x => x.cache !== undefined)) ||
          (id === 'no-stale-endpoint' && stale.length > 0) ||
          (id === 'memory-envelope' && !!contract.memory) ||
          id === 'arc-version' ||
          id === 'image-tag';
        return applies
          ? {
              id,
              title,
              verdict: 'unknown' as const,
              message: 'no scale set serves this class',
              evidence: [],
            }
          : {
              id,
              title,
              verdict: 'not-applicable' as const,
              message: 'the class promises nothing this checks',
              evidence: [],
            };
      }
      const results = scaleSets.map(s => s.checks.find(x => x.id === id)!);
      const verdict = worst(results.map(r => r.verdict));
      const deciding = results.filter(r => r.verdict === verdict);
      const message =
        scaleSets.length === 1
          ? deciding[0].message
          : `${deciding.length}/${results.length} scale sets ${
              verdict === 'pass' ? 'pass' : verdict
            }: ${deciding[0].message}`;
      return {
        id,
        title,
        verdict,
        message,
        evidence: results.flatMap(r => r.evidence),
      };
    });
    return { runnerClass: c.name, checks, scaleSets, ...scoreContract(checks) };
  });
}

/** "contract 5/6": passed over applicable checks. @public */
export function formatContractScore(score: ContractScore): string {
  return `${score.passed}/${score.applicable}`;
}
