/** What a job's `runs-on` value asks for. */
export interface RunsOnTarget {
  /** Literal labels in order; expressions give none. */
  labels: string[];
  /** The object form's `group`, else null. */
  group: string | null;
  /** Whether any part is an expression (`${{ ... }}`). */
  dynamic: boolean;
  /** The expression strings, for resolving matrix candidates. */
  expressions: string[];
  /** Every label item in order, literal or expression (the group is not one). */
  items: string[];
}

export const isExpression = (value: string) => value.includes('${{');

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

function collect(value: unknown, target: RunsOnTarget) {
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    const text = scalarText(item);
    if (text === undefined || text === '') continue;
    target.items.push(text);
    if (isExpression(text)) {
      target.dynamic = true;
      target.expressions.push(text);
    } else {
      target.labels.push(text);
    }
  }
}

/** Reads `runs-on` in its string, list and `{group, labels}` forms. */
export function readRunsOn(value: unknown): RunsOnTarget {
  const target: RunsOnTarget = {
    labels: [],
    group: null,
    dynamic: false,
    expressions: [],
    items: [],
  };
  if (value === null || value === undefined) return target;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const { group, labels } = value as Record<string, unknown>;
    const groupText = scalarText(group);
    if (groupText !== undefined && groupText !== '') {
      if (isExpression(groupText)) {
        target.dynamic = true;
        target.expressions.push(groupText);
      } else target.group = groupText;
    }
    if (labels !== undefined && labels !== null) collect(labels, target);
    return target;
  }
  collect(value, target);
  return target;
}

const MATRIX_REFERENCE = /^\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}$/;

/**
 * Labels a matrix-driven `runs-on: ${{ matrix.os }}` may take, read from `strategy.matrix` and its
 * `include` entries; expressions and non-label values are skipped.
 */
export function matrixCandidates(
  expressions: string[],
  matrix: unknown,
): string[] {
  if (!matrix || typeof matrix !== 'object' || Array.isArray(matrix)) return [];
  const axes = matrix as Record<string, unknown>;
  // A Set keeps first-seen order and, unlike `includes`, stays linear on huge matrices.
  const found = new Set<string>();
  const add = (value: unknown) => {
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = scalarText(item);
      if (text && !isExpression(text)) found.add(text);
    }
  };
  const keys = new Set<string>();
  for (const expression of expressions) {
    const key = MATRIX_REFERENCE.exec(expression)?.[1];
    if (key) keys.add(key);
  }
  // Each axis once: a repeated `${{ matrix.os }}` adds nothing new.
  for (const key of keys) {
    const axis = axes[key];
    if (Array.isArray(axis)) axis.forEach(add);
    if (Array.isArray(axes.include)) {
      for (const entry of axes.include) {
        if (entry && typeof entry === 'object' && key in entry) {
          add((entry as Record<string, unknown>)[key]);
        }
      }
    }
  }
  return [...found];
}
