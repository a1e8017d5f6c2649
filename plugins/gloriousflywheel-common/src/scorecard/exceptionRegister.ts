import { LineCounter, isMap, isNode, isSeq, parseDocument } from 'yaml';
import { fileTooLarge } from '../workflows/limits';
import {
  YamlView,
  firstDuplicateKey,
  isYamlLimitError,
} from '../workflows/yamlView';

/**
 * A named, owned and dated permission for one job to keep using hosted runners.
 *
 * @public
 */
export interface HostedRunnerException {
  /** Job id. */
  job: string;
  /** Workflow file path or file name; absent = the job id in any workflow. */
  workflow?: string;
  reason: string;
  owner: string;
  /** Last valid day, `YYYY-MM-DD` (UTC). */
  expires: string;
  /**
   * Why the job may stay hosted: `control-plane` (Pages deploy, OIDC publish, release metadata)
   * or `low-risk` (a job that should simply move); only the configured categories exempt.
   */
  category?: string;
  /** Line of the entry in the register. */
  line: number;
}

/**
 * The repository's exception register (`.github/gloriousflywheel-exceptions.yaml`).
 *
 * @public
 */
export interface ExceptionRegister {
  path: string;
  present: boolean;
  exceptions: HostedRunnerException[];
  /** Entries that exempt nothing because they are incomplete or malformed. */
  problems: { message: string; line: number }[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function field(
  entry: Record<string, unknown>,
  ...names: string[]
): string | undefined {
  for (const name of names) {
    const value = entry[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * Reads the exception register. Accepts `exceptions: [...]` or a bare list; each entry needs
 * `job`, `reason`, `owner` and `expires` (`YYYY-MM-DD`), and may name a `workflow` and a
 * `category`.
 *
 * @public
 */
export function parseExceptionRegister(
  path: string,
  text: string | undefined,
): ExceptionRegister {
  const register: ExceptionRegister = {
    path,
    present: text !== undefined,
    exceptions: [],
    problems: [],
  };
  if (text === undefined) return register;
  const tooLarge = fileTooLarge(text);
  if (tooLarge) {
    register.problems.push({
      message: `Exception register not read: ${tooLarge}`,
      line: 1,
    });
    return register;
  }
  const lineCounter = new LineCounter();
  // Duplicate keys are checked by firstDuplicateKey: yaml's own check is quadratic.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const error = doc.errors[0];
  const duplicate = firstDuplicateKey(doc);
  if (error || duplicate !== undefined) {
    const [message, offset] =
      duplicate !== undefined && (!error || duplicate < error.pos[0])
        ? ['Map keys must be unique', duplicate]
        : [error!.message.split('\n')[0], error!.pos[0]];
    register.problems.push({
      message: `Exception register is not valid YAML: ${message}`,
      line: lineCounter.linePos(offset).line,
    });
    return register;
  }
  // Aliases and merges are expanded within the same work budget as workflows.
  const view = new YamlView(doc, lineCounter);
  let list: unknown = doc.contents;
  if (isMap(list)) list = list.get('exceptions', true);
  if (list === null || list === undefined) return register;
  if (!isSeq(list)) {
    register.problems.push({
      message: 'Exception register must be a list under `exceptions:`',
      line: 1,
    });
    return register;
  }
  for (const node of list.items) {
    const line = lineCounter.linePos(
      isNode(node) ? node.range?.[0] ?? 0 : 0,
    ).line;
    let value: unknown;
    try {
      value = isNode(node) ? view.toJS(node) : node;
    } catch (e) {
      const message = (e as { message?: unknown } | null)?.message;
      if (isYamlLimitError(e)) {
        // A register that expands beyond the budget exempts nothing: no half-read list.
        register.exceptions = [];
        register.problems.push({
          message: `Exception register not read: ${message}`,
          line,
        });
        return register;
      }
      register.problems.push({
        message: `Exception entry could not be read: ${String(message ?? e)}`,
        line,
      });
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      register.problems.push({
        message: 'Exception entry must be a mapping',
        line,
      });
      continue;
    }
    const entry = value as Record<string, unknown>;
    const job = field(entry, 'job');
    const reason = field(entry, 'reason');
    const owner = field(entry, 'owner');
    const expires = field(entry, 'expires', 'expiry');
    const missing = [
      !job && 'job',
      !reason && 'reason',
      !owner && 'owner',
      !expires && 'expires',
    ].filter(Boolean);
    if (missing.length > 0) {
      register.problems.push({
        message: `Exception entry lacks ${missing.join(', ')}`,
        line,
      });
      continue;
    }
    if (!DATE.test(expires!) || Number.isNaN(expiryTime(expires!))) {
      register.problems.push({
        message: `Exception expiry "${expires}" is not a YYYY-MM-DD date`,
        line,
      });
      continue;
    }
    const workflow = field(entry, 'workflow');
    const category = field(entry, 'category');
    register.exceptions.push({
      job: job!,
      ...(workflow && { workflow }),
      ...(category && { category }),
      reason: reason!,
      owner: owner!,
      expires: expires!,
      line,
    });
  }
  return register;
}

/** The first instant after the expiry day (UTC). */
function expiryTime(expires: string): number {
  const [, y, m, d] = DATE.exec(expires) ?? [];
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  return Date.UTC(Number(y), month - 1, day + 1);
}

/**
 * Whether an exception no longer applies at `now` (it is valid through its expiry day, UTC).
 *
 * @public
 */
export function isExceptionExpired(
  exception: HostedRunnerException,
  now: Date,
): boolean {
  return now.getTime() >= expiryTime(exception.expires);
}

/**
 * Whether an exception exempts its job: `valid`, or why not: `expired`, `uncategorised` (no
 * `category`), or `category-not-allowed` (a category outside `allowedCategories`).
 *
 * @public
 */
export type ExceptionStanding =
  | 'valid'
  | 'expired'
  | 'uncategorised'
  | 'category-not-allowed';

/**
 * The standing of an exception at `now` under the organisation's allowed categories.
 *
 * @public
 */
export function exceptionStanding(
  exception: HostedRunnerException,
  now: Date,
  allowedCategories: readonly string[],
): ExceptionStanding {
  if (isExceptionExpired(exception, now)) return 'expired';
  if (!exception.category) return 'uncategorised';
  const category = exception.category.toLowerCase();
  return allowedCategories.some(c => c.toLowerCase() === category)
    ? 'valid'
    : 'category-not-allowed';
}

/**
 * The exception registered for a job, if any.
 *
 * @public
 */
export function findException(
  register: ExceptionRegister,
  workflowPath: string,
  jobId: string,
): HostedRunnerException | undefined {
  const fileName = workflowPath.slice(workflowPath.lastIndexOf('/') + 1);
  return register.exceptions.find(
    e =>
      e.job === jobId &&
      (e.workflow === undefined ||
        e.workflow === workflowPath ||
        e.workflow === fileName),
  );
}
