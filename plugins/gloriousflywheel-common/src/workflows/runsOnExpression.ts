/**
 * Evaluates the part of GitHub's expression language a `runs-on` (and a job's `if:`) uses to pick
 * a runner: `&&`, `||`, `==`, `!=`, `!`, parentheses, literals, `vars.*`, `inputs.*`, `github.*`,
 * `matrix.*` and `fromJSON`. Unknown values are enumerated over the literals they are compared
 * with, so every label list the expression may give comes out with the condition that selects it.
 *
 * Repository authors write these expressions, so text, nesting and enumeration are all bounded.
 */

/** Longest expression text read; longer ones are left unevaluated. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Deepest nesting of parentheses and operators. */
export const MAX_EXPRESSION_DEPTH = 32;
/** Most unknown values one job's runner choice may depend on. */
export const MAX_EXPRESSION_UNKNOWNS = 8;
/** Most combinations of unknown values enumerated for one job. */
export const MAX_EXPRESSION_COMBINATIONS = 512;

/** Some non-empty string other than every literal it is compared with. */
const OTHER = Symbol('other');
/** A value built from an unknown one (e.g. `fromJSON` of a variable). */
const OPAQUE = Symbol('opaque');

type Value =
  | string
  | number
  | boolean
  | null
  | Value[]
  | { [key: string]: Value }
  | typeof OTHER
  | typeof OPAQUE;

type Expr =
  | { kind: 'literal'; value: Value }
  | { kind: 'ref'; path: string[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: '&&' | '||' | '==' | '!='; left: Expr; right: Expr }
  | { kind: 'call'; name: string; args: Expr[] };

class ExpressionError extends Error {}

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ExpressionError('unterminated string');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ t: 'str', v: value });
    } else if (
      /[0-9]/.test(c) ||
      (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))
    ) {
      const m = /^-?(0x[0-9a-f]+|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)/i.exec(
        text.slice(i),
      )!;
      tokens.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*/.exec(text.slice(i))!;
      tokens.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['&&', '||', '==', '!='].includes(two)) {
        tokens.push({ t: 'op', v: two });
        i += 2;
      } else if ('!().,[]'.includes(c)) {
        tokens.push({ t: 'op', v: c });
        i++;
      } else throw new ExpressionError(`\`${c}\` is not understood`);
    }
  }
  return tokens;
}

/** Functions evaluated; others leave the expression unevaluated. */
const FUNCTIONS = new Set(['fromjson', 'tojson', 'format']);

function parse(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => peek()?.t === 'op' && peek()!.v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExpressionError(`expected \`${v}\``);
    pos++;
  };
  const guard = (depth: number) => {
    if (depth > MAX_EXPRESSION_DEPTH)
      throw new ExpressionError(
        `nests more than ${MAX_EXPRESSION_DEPTH} levels`,
      );
  };
  function or(depth: number): Expr {
    guard(depth);
    let left = and(depth + 1);
    while (isOp('||')) {
      pos++;
      left = { kind: 'binary', op: '||', left, right: and(depth + 1) };
    }
    return left;
  }
  function and(depth: number): Expr {
    let left = compare(depth + 1);
    while (isOp('&&')) {
      pos++;
      left = { kind: 'binary', op: '&&', left, right: compare(depth + 1) };
    }
    return left;
  }
  function compare(depth: number): Expr {
    let left = unary(depth + 1);
    while (isOp('==') || isOp('!=')) {
      const op = peek()!.v as '==' | '!=';
      pos++;
      left = { kind: 'binary', op, left, right: unary(depth + 1) };
    }
    return left;
  }
  function unary(depth: number): Expr {
    guard(depth);
    if (isOp('!')) {
      pos++;
      return { kind: 'not', operand: unary(depth + 1) };
    }
    return primary(depth + 1);
  }
  function primary(depth: number): Expr {
    const token = peek();
    if (!token) throw new ExpressionError('ends too early');
    pos++;
    if (token.t === 'str' || token.t === 'num')
      return { kind: 'literal', value: token.v };
    if (token.t === 'op' && token.v === '(') {
      const inner = or(depth + 1);
      expect(')');
      return inner;
    }
    if (token.t !== 'id')
      throw new ExpressionError(`unexpected \`${token.v}\``);
    const word = token.v;
    if (word === 'true' || word === 'false')
      return { kind: 'literal', value: word === 'true' };
    if (word === 'null') return { kind: 'literal', value: null };
    if (isOp('(')) {
      if (!FUNCTIONS.has(word.toLowerCase()))
        throw new ExpressionError(`function ${word}() is not evaluated`);
      pos++;
      const args: Expr[] = [];
      while (!isOp(')')) {
        args.push(or(depth + 1));
        if (!isOp(')')) expect(',');
      }
      pos++;
      return { kind: 'call', name: word.toLowerCase(), args };
    }
    const path = [word];
    for (;;) {
      if (isOp('.')) {
        pos++;
        const next = peek();
        if (next?.t !== 'id')
          throw new ExpressionError('expected a property name');
        pos++;
        path.push(next.v);
      } else if (isOp('[')) {
        pos++;
        const next = peek();
        if (next?.t !== 'str')
          throw new ExpressionError('only literal indexes are evaluated');
        pos++;
        expect(']');
        path.push(next.v);
      } else break;
    }
    return { kind: 'ref', path };
  }
  const result = or(0);
  if (pos < tokens.length)
    throw new ExpressionError(`unexpected \`${peek()!.v}\``);
  return result;
}

/** What the expression's surroundings say about its references. */
export interface ExpressionScope {
  /** Inputs with a known value (the caller's `with:` or the callee's default). */
  inputs?: Readonly<Record<string, unknown>>;
  /** Inputs the workflow declares; any other `inputs.*` is null, as GitHub gives it. */
  declaredInputs?: readonly string[];
  /** Values each matrix axis takes (`strategy.matrix` and its `include`). */
  matrix?: Readonly<Record<string, readonly unknown[]>>;
  /** Known Actions variables by name (compared case-insensitively). */
  variables?: Readonly<Record<string, string>>;
}

/** One label list `runs-on` may give, `labels: null` when it comes from an unknown value. */
export interface EvaluatedChoice {
  labels: string[] | null;
  condition: string;
}

/** The runner choices of one job, or why they could not be worked out. */
export interface EvaluatedRunnerChoice {
  choices: EvaluatedChoice[];
  variables: { name: string; value?: string }[];
  chosen?: number;
  skipped?: boolean;
  /** Combinations of unknown values enumerated (work done, for the budget). */
  combinations: number;
}

/** An unknown value the result depends on, with the values worth trying. */
interface Unknown {
  key: string;
  name: string;
  domain: Value[];
  /** Whether OTHER stands for "any other value" (not a matrix axis). */
  open: boolean;
}

const lower = (s: string) => s.toLowerCase();

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

function truthy(v: Value): boolean {
  if (v === OTHER || v === OPAQUE) return true;
  if (v === null || v === false || v === '' || v === 0) return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return true;
}

function equals(a: Value, b: Value): boolean {
  if (a === OTHER || b === OTHER || a === OPAQUE || b === OPAQUE) {
    // OTHER differs from every literal it was enumerated against, and from '' (it is non-empty).
    return false;
  }
  if (typeof a === 'string' && typeof b === 'string')
    return lower(a) === lower(b);
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return toNumber(a) === toNumber(b);
}

function fromJson(v: Value): Value {
  if (v === OTHER || v === OPAQUE) return OPAQUE;
  if (typeof v !== 'string')
    throw new ExpressionError('fromJSON needs a string');
  try {
    return JSON.parse(v) as Value;
  } catch {
    throw new ExpressionError('fromJSON of text that is not JSON');
  }
}

function toJson(v: Value): Value {
  if (v === OTHER || v === OPAQUE) return OPAQUE;
  return JSON.stringify(v, null, 2);
}

/** `format('{0}-{1}', a, b)`; `{{` and `}}` stand for braces. */
function format(args: Value[]): Value {
  const [pattern, ...rest] = args;
  if (typeof pattern !== 'string')
    throw new ExpressionError('format needs a string');
  let opaque = false;
  const text = pattern.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, i) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const v = rest[Number(i)];
    const s = v === undefined ? undefined : stringOf(v);
    if (s === undefined) opaque = true;
    return s ?? '';
  });
  return opaque ? OPAQUE : text;
}

function refKey(path: string[]): { key: string; name: string } {
  const [head, ...rest] = path;
  const context = lower(head);
  if (context === 'vars' || context === 'inputs' || context === 'matrix') {
    const name = `${context}.${rest.join('.')}`;
    // Variable names are case-insensitive; input and matrix keys are kept as written.
    return { key: context === 'vars' ? lower(name) : name, name };
  }
  const name = [context, ...rest].join('.');
  return { key: lower(name), name };
}

/** Walks `expr` collecting references and the literals each is compared with. */
function collect(
  expr: Expr,
  refs: Map<string, { name: string; path: string[]; literals: Set<string> }>,
) {
  const note = (e: Expr) => {
    if (e.kind !== 'ref') return undefined;
    const { key, name } = refKey(e.path);
    let entry = refs.get(key);
    if (!entry) {
      entry = { name, path: e.path, literals: new Set() };
      refs.set(key, entry);
    }
    return entry;
  };
  const visit = (e: Expr) => {
    switch (e.kind) {
      case 'ref':
        note(e);
        return;
      case 'not':
        visit(e.operand);
        return;
      case 'call':
        e.args.forEach(visit);
        return;
      case 'binary': {
        visit(e.left);
        visit(e.right);
        if (e.op === '==' || e.op === '!=') {
          for (const [ref, other] of [
            [e.left, e.right],
            [e.right, e.left],
          ]) {
            const entry = note(ref);
            if (
              entry &&
              other.kind === 'literal' &&
              typeof other.value === 'string'
            )
              entry.literals.add(other.value);
          }
        }
        return;
      }
      default:
    }
  };
  visit(expr);
}

function evaluate(expr: Expr, env: Map<string, Value>): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'ref':
      return env.get(refKey(expr.path).key) ?? null;
    case 'not':
      return !truthy(evaluate(expr.operand, env));
    case 'call': {
      const args = expr.args.map(a => evaluate(a, env));
      if (expr.name === 'format') return format(args);
      if (args.length !== 1)
        throw new ExpressionError(`${expr.name}() takes one argument`);
      return expr.name === 'tojson' ? toJson(args[0]) : fromJson(args[0]);
    }
    case 'binary': {
      const left = evaluate(expr.left, env);
      if (expr.op === '&&')
        return truthy(left) ? evaluate(expr.right, env) : left;
      if (expr.op === '||')
        return truthy(left) ? left : evaluate(expr.right, env);
      const same = equals(left, evaluate(expr.right, env));
      return expr.op === '==' ? same : !same;
    }
    default:
      return null;
  }
}

/** Where the `}}` closing an expression is: outside its string literals (`'{{a}}'` is text). */
function closingBraces(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length - 1; i++) {
    // Inside a literal, `''` is an escaped quote: toggling twice leaves it quoted.
    if (text[i] === "'") quoted = !quoted;
    else if (!quoted && text[i] === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

/** `${{ a }}`-templated text split into literal and expression parts. */
function splitTemplate(text: string): (string | Expr)[] {
  const parts: (string | Expr)[] = [];
  let rest = text;
  for (;;) {
    const start = rest.indexOf('${{');
    if (start < 0) break;
    const end = closingBraces(rest, start + 3);
    if (end < 0) throw new ExpressionError('`${{` without `}}`');
    if (start > 0) parts.push(rest.slice(0, start));
    parts.push(parse(rest.slice(start + 3, end)));
    rest = rest.slice(end + 2);
  }
  if (rest) parts.push(rest);
  return parts;
}

function stringOf(v: Value): string | undefined {
  if (v === OTHER || v === OPAQUE) return undefined;
  if (v === null) return '';
  if (typeof v === 'object') return undefined;
  return String(v);
}

/** Labels one `runs-on` item gives under `env`; null when they depend on an unknown value. */
function labelsOf(
  parts: (string | Expr)[],
  env: Map<string, Value>,
): string[] | null {
  if (parts.length === 1 && typeof parts[0] !== 'string') {
    const v = evaluate(parts[0], env);
    if (v === OTHER || v === OPAQUE) return null;
    if (Array.isArray(v)) {
      const labels: string[] = [];
      for (const item of v) {
        const s = stringOf(item);
        if (s === undefined) return null;
        if (s.trim()) labels.push(s.trim());
      }
      return labels;
    }
    // The `{group, labels}` object form: its labels.
    if (v && typeof v === 'object' && 'labels' in v)
      return labelsOf([{ kind: 'literal', value: v.labels }], env);
    if (v && typeof v === 'object') return null;
    const s = stringOf(v)!.trim();
    return s ? [s] : [];
  }
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else {
      const s = stringOf(evaluate(part, env));
      if (s === undefined) return null;
      text += s;
    }
  }
  return text.trim() ? [text.trim()] : [];
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** One unknown's part of a condition: the values it takes there, said as briefly as possible. */
function describeValues(u: Unknown, values: Set<number>): string | undefined {
  if (values.size === u.domain.length) return undefined;
  const literal = (i: number) => {
    const v = u.domain[i];
    return typeof v === 'string' ? quote(v) : JSON.stringify(v);
  };
  const hasOther = u.open && values.has(u.domain.length - 1);
  if (hasOther) {
    const excluded = u.domain.map((_, i) => i).filter(i => !values.has(i));
    return excluded.map(i => `${u.name} != ${literal(i)}`).join(' && ');
  }
  const listed = [...values]
    .sort((a, b) => a - b)
    .map(i => `${u.name} == ${literal(i)}`);
  return listed.length === 1 ? listed[0] : `(${listed.join(' || ')})`;
}

/** The condition selecting a set of combinations (each an index per unknown). */
function describeCombinations(
  unknowns: Unknown[],
  combos: number[][],
  total: number,
): string {
  if (combos.length === total) return '';
  const sets = unknowns.map((_, u) => new Set(combos.map(c => c[u])));
  const product = sets.reduce((n, s) => n * s.size, 1);
  const conjunction = (parts: (string | undefined)[]) =>
    parts.filter((p): p is string => !!p).join(' && ');
  // A product of per-unknown value sets reads as one conjunction.
  if (product === combos.length)
    return conjunction(unknowns.map((u, i) => describeValues(u, sets[i])));
  return combos
    .map(
      c =>
        `(${conjunction(
          unknowns.map((u, i) => describeValues(u, new Set([c[i]]))),
        )})`,
    )
    .join(' || ');
}

/**
 * Works out the label lists a job's `runs-on` items (literal or `${{ }}`-templated) may give, each
 * with its condition, and which one the known variables select. Returns an error message when the
 * expressions leave the understood subset or the bounds.
 */
export function evaluateRunnerChoice(
  items: readonly string[],
  jobIf: string | undefined,
  scope: ExpressionScope,
): EvaluatedRunnerChoice | { unsupported: string } {
  try {
    for (const text of [...items, jobIf ?? ''])
      if (text.length > MAX_EXPRESSION_LENGTH)
        throw new ExpressionError(
          `is longer than ${MAX_EXPRESSION_LENGTH} characters`,
        );
    const templates = items.map(splitTemplate);
    // A job `if:` is an expression with or without `${{ }}`.
    const condition = jobIf?.trim()
      ? (() => {
          const parts = splitTemplate(
            jobIf.includes('${{') ? jobIf.trim() : `\${{ ${jobIf} }}`,
          );
          if (parts.length !== 1 || typeof parts[0] === 'string')
            throw new ExpressionError('a job `if:` must be one expression');
          return parts[0];
        })()
      : undefined;
    const refs = new Map<
      string,
      { name: string; path: string[]; literals: Set<string> }
    >();
    for (const parts of templates)
      for (const p of parts) if (typeof p !== 'string') collect(p, refs);
    if (condition) collect(condition, refs);

    const known = new Map<string, Value>();
    const unknowns: Unknown[] = [];
    const knownVariables = new Map(
      Object.entries(scope.variables ?? {}).map(
        ([k, v]) => [lower(k), v] as const,
      ),
    );
    const variables: { name: string; value?: string }[] = [];
    for (const [key, ref] of refs) {
      const [context, ...rest] = ref.path;
      const ctx = lower(context);
      // Unset variables and inputs are ''; other contexts are empty only if compared with ''.
      const empty = ctx === 'vars' || ctx === 'inputs' ? [''] : [];
      const domainOf = (literals: Iterable<string>) => [
        ...new Set([...empty, ...literals]),
      ];
      if (ctx === 'inputs' && scope.inputs && rest.join('.') in scope.inputs) {
        known.set(key, scope.inputs[rest.join('.')] as Value);
      } else if (
        ctx === 'inputs' &&
        !scope.declaredInputs?.includes(rest.join('.'))
      ) {
        known.set(key, null);
      } else if (
        ctx === 'matrix' &&
        scope.matrix &&
        rest.join('.') in scope.matrix
      ) {
        const domain = [...new Set(scope.matrix[rest.join('.')])] as Value[];
        if (domain.length === 0)
          throw new ExpressionError(`matrix axis ${ref.name} is empty`);
        unknowns.push({ key, name: ref.name, domain, open: false });
      } else {
        if (ctx === 'vars') {
          const value = knownVariables.get(lower(rest.join('.')));
          variables.push({
            name: ref.name,
            ...(value !== undefined && { value }),
          });
        }
        // A known variable's own value is tried too, so `fromJSON(vars.X)` reads it.
        const value =
          ctx === 'vars'
            ? knownVariables.get(lower(rest.join('.')))
            : undefined;
        const literals =
          value === undefined ? ref.literals : [...ref.literals, value];
        unknowns.push({
          key,
          name: ref.name,
          domain: [...domainOf(literals), OTHER],
          open: true,
        });
      }
    }
    if (unknowns.length > MAX_EXPRESSION_UNKNOWNS)
      throw new ExpressionError(
        `depends on more than ${MAX_EXPRESSION_UNKNOWNS} unknown values`,
      );
    const total = unknowns.reduce((n, u) => n * u.domain.length, 1);
    if (total > MAX_EXPRESSION_COMBINATIONS)
      throw new ExpressionError(
        `has more than ${MAX_EXPRESSION_COMBINATIONS} combinations of values`,
      );

    // Enumerate every combination; group by the labels it gives (first-seen order).
    const groups = new Map<
      string,
      { labels: string[] | null; combos: number[][] }
    >();
    const allowedByKnown: string[] = [];
    let runs = 0;
    const combo = unknowns.map(() => 0);
    for (let n = 0; n < total; n++) {
      let rest = n;
      for (let u = unknowns.length - 1; u >= 0; u--) {
        combo[u] = rest % unknowns[u].domain.length;
        rest = Math.floor(rest / unknowns[u].domain.length);
      }
      const env = new Map(known);
      unknowns.forEach((u, i) => env.set(u.key, u.domain[combo[i]]));
      if (condition && !truthy(evaluate(condition, env))) continue;
      runs++;
      let labels: string[] | null = [];
      for (const parts of templates) {
        const got = labelsOf(parts, env);
        labels = got && labels ? [...labels, ...got] : null;
      }
      const id = JSON.stringify(labels);
      if (!groups.has(id)) groups.set(id, { labels, combos: [] });
      groups.get(id)!.combos.push([...combo]);
      // Does this combination agree with every known variable?
      const agrees = unknowns.every((u, i) => {
        if (!u.key.startsWith('vars.')) return true;
        const value = knownVariables.get(u.key.slice(5));
        if (value === undefined) return true;
        return matchesKnown(u, combo[i], value);
      });
      if (agrees) allowedByKnown.push(id);
    }
    const ids = [...groups.keys()];
    const choices = ids.map(id => ({
      labels: groups.get(id)!.labels,
      condition: describeCombinations(unknowns, groups.get(id)!.combos, total),
    }));
    const selected = new Set(allowedByKnown);
    const result: EvaluatedRunnerChoice = {
      choices,
      variables,
      combinations: total,
    };
    if (
      runs === 0 ||
      (variables.some(v => v.value !== undefined) && selected.size === 0)
    )
      result.skipped = true;
    else if (selected.size === 1 && ids.length > 1)
      result.chosen = ids.indexOf([...selected][0]);
    else if (ids.length === 1) result.chosen = 0;
    return result;
  } catch (e) {
    if (e instanceof ExpressionError) return { unsupported: e.message };
    throw e;
  }
}

/** Whether the enumerated value stands for a variable's known value. */
function matchesKnown(u: Unknown, index: number, value: string): boolean {
  const v = u.domain[index];
  const literalMatch = u.domain.findIndex(
    d => typeof d === 'string' && lower(d) === lower(value),
  );
  if (literalMatch >= 0) return index === literalMatch;
  return v === OTHER;
}
