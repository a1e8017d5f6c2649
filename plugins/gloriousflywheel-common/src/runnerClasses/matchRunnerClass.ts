import { RunnerClassDefinition } from './runnerClass';

// GitHub compares runner labels case-insensitively.
const normalize = (label: string) => label.trim().toLowerCase();

/** Labels every self-hosted runner carries; they never identify a runner class. */
const GENERIC_SELF_HOSTED_LABELS = new Set([
  'self-hosted',
  'linux',
  'x64',
  'arm64',
  'arm',
]);

/**
 * Whether a `runs-on` label is one every self-hosted runner carries (`self-hosted`, `linux`, `x64`,
 * ...): it never selects a runner class or a scale set.
 *
 * @public
 */
export function isGenericRunnerLabel(label: string): boolean {
  return GENERIC_SELF_HOSTED_LABELS.has(normalize(label));
}

const HOSTED_IMAGE_PREFIXES = ['ubuntu-', 'windows-', 'macos-'];

function matchesPattern(label: string, pattern: string): boolean {
  const p = normalize(pattern);
  if (!p.includes('*')) return label === p;
  const source = p
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(label);
}

/**
 * Whether a `runs-on` label names a GitHub-hosted runner: a standard image (`ubuntu-*`,
 * `windows-*`, `macos-*`) or one of the organisation's larger-runner names (`*` wildcards allowed).
 *
 * @public
 */
export function isHostedLabel(
  label: string,
  extraHosted: readonly string[] = [],
): boolean {
  const l = normalize(label);
  if (
    HOSTED_IMAGE_PREFIXES.some(
      prefix => l.startsWith(prefix) && l.length > prefix.length,
    )
  ) {
    return true;
  }
  return extraHosted.some(pattern => matchesPattern(l, pattern));
}

/**
 * Whether a job with these labels runs on GitHub-hosted runners. A `self-hosted` label routes the
 * job to self-hosted runners whatever else it lists.
 *
 * @public
 */
export function isHostedJob(
  labels: readonly string[],
  extraHosted: readonly string[] = [],
): boolean {
  if (labels.some(l => normalize(l) === 'self-hosted')) return false;
  return labels.some(l => isHostedLabel(l, extraHosted));
}

/**
 * The runner class selected by a job's `runs-on` labels: the class naming the most of the labels
 * (as a label or a scale-set name), ties going to the first in configuration order; undefined when
 * none does. Generic labels such as `self-hosted` or `linux` are ignored.
 *
 * @public
 */
export function matchRunnerClassForLabels(
  labels: readonly string[],
  classes: readonly RunnerClassDefinition[],
): RunnerClassDefinition | undefined {
  const wanted = labels
    .map(normalize)
    .filter(l => l && !GENERIC_SELF_HOSTED_LABELS.has(l));
  if (wanted.length === 0) return undefined;
  let best: RunnerClassDefinition | undefined;
  let bestScore = 0;
  for (const runnerClass of classes) {
    const names = new Set(
      [...runnerClass.labels, ...runnerClass.scaleSets].map(normalize),
    );
    const score = wanted.filter(l => names.has(l)).length;
    if (score > bestScore) {
      best = runnerClass;
      bestScore = score;
    }
  }
  return best;
}
