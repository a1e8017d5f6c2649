import { RunnerClassDefinition } from './runnerClass';

/**
 * A known `runs-on` label offered in place of one that nothing serves.
 *
 * @public
 */
export interface RunnerLabelSuggestion {
  /** The known label to use instead. */
  label: string;
  /** The runner class that label selects; absent for a GitHub-hosted label. */
  runnerClass?: string;
}

// The hosted images GitHub documents today; a typo of one of them is queued forever.
const HOSTED_IMAGE_LABELS = [
  'ubuntu-latest',
  'ubuntu-24.04',
  'ubuntu-22.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'windows-latest',
  'windows-2025',
  'windows-2022',
  'macos-latest',
  'macos-15',
  'macos-14',
  'macos-13',
];

// Labels every self-hosted runner carries: never a typo worth correcting.
const GENERIC_LABELS = new Set(['self-hosted', 'linux', 'x64', 'arm64', 'arm']);

const normalize = (label: string) => label.trim().toLowerCase();

/** Optimal-string-alignment distance: edits plus adjacent transpositions (`dokcer`). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () =>
    new Array<number>(cols).fill(0),
  );
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}

// Labels are short; anything longer is not a label and not worth comparing.
const MAX_LABEL_LENGTH = 100;

/**
 * The known `runs-on` label closest to one that no runner class or hosted image serves, for a
 * "did you mean" hint: a runner-class label or scale-set name, or a GitHub-hosted image label
 * (`ubuntu-lates` → `ubuntu-latest`). A label that extends a known one with more dash-separated
 * parts (`tinyland-nix-kvm`) suggests the longest known one it extends (`tinyland-nix`); otherwise
 * the nearest by edit distance, within a third of the known label's length. Undefined when the
 * label is itself known, generic (`self-hosted`, `linux`) or nothing is near enough. Ties go to
 * runner classes in configuration order, then hosted images.
 *
 * @public
 */
export function suggestRunnerClass(
  label: string,
  classes: readonly RunnerClassDefinition[],
  extraHosted: readonly string[] = [],
): RunnerLabelSuggestion | undefined {
  const wanted = normalize(label);
  if (!wanted || wanted.length > MAX_LABEL_LENGTH) return undefined;
  if (GENERIC_LABELS.has(wanted)) return undefined;

  const candidates: RunnerLabelSuggestion[] = [];
  for (const runnerClass of classes) {
    for (const known of [...runnerClass.labels, ...runnerClass.scaleSets]) {
      candidates.push({ label: known, runnerClass: runnerClass.name });
    }
  }
  for (const known of [
    ...HOSTED_IMAGE_LABELS,
    ...extraHosted.filter(p => !p.includes('*')),
  ]) {
    candidates.push({ label: known });
  }
  if (candidates.some(c => normalize(c.label) === wanted)) return undefined;

  let extended: RunnerLabelSuggestion | undefined;
  for (const candidate of candidates) {
    const known = normalize(candidate.label);
    if (
      wanted.startsWith(`${known}-`) &&
      (!extended || known.length > normalize(extended.label).length)
    ) {
      extended = candidate;
    }
  }
  if (extended) return extended;

  let best: RunnerLabelSuggestion | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const known = normalize(candidate.label);
    const distance = editDistance(wanted, known);
    const limit = Math.max(1, Math.floor(known.length / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
