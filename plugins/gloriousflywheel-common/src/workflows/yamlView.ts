import {
  Alias,
  Document,
  LineCounter,
  Node,
  YAMLMap,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  visit,
} from 'yaml';

/**
 * Work one file's analysis may do, in steps: mapping entries read (merged copies included), values
 * built by `toJS`, jobs and steps read, Bazel runs found. Without aliases a file needs at most a
 * step per two bytes, a quarter of this at the size limit; bombs reach it in well under a second.
 */
export const YAML_WORK_BUDGET = 1_000_000;

/** How deep merge keys and nested values are followed; real workflows never come close. */
export const MAX_YAML_DEPTH = 64;

const LIMIT_ERROR_CODE = 'GF_YAML_LIMIT';
const MERGE_TAG = 'tag:yaml.org,2002:merge';

/** Error texts of the limits, exact so tests and users can rely on them. */
export const YAML_LIMIT_MESSAGES = {
  budget: (limit: number) =>
    `Aliases and merge keys expand beyond the analysis budget of ${limit} steps`,
  depth: `Aliases or merge keys nest more than ${MAX_YAML_DEPTH} levels deep`,
  cycle: 'An alias or merge key refers to a node that contains it',
};

/** The analysis of a file went over a limit; the file is refused as a whole, never half-read. */
export class YamlLimitError extends Error {
  readonly code = LIMIT_ERROR_CODE;

  constructor(
    message: string,
    /** Where the limit was hit, when known. */
    readonly node?: Node | null,
  ) {
    super(message);
    this.name = 'YamlLimitError';
  }
}

/** Errors may come from another realm (e.g. under jest), so match on the code, not `instanceof`. */
export function isYamlLimitError(e: unknown): e is YamlLimitError {
  return (e as { code?: unknown } | null)?.code === LIMIT_ERROR_CODE;
}

/** A work allowance shared by every view of one analysis (a workflow and its local actions). */
export class WorkBudget {
  used = 0;

  constructor(readonly limit: number = YAML_WORK_BUDGET) {}

  /** Takes `units` from the allowance, or throws (taking none) if that would overdraw it. */
  spend(units: number, node?: Node | null): void {
    if (this.used + units > this.limit)
      throw new YamlLimitError(YAML_LIMIT_MESSAGES.budget(this.limit), node);
    this.used += units;
  }
}

/**
 * Offset of the first repeated key in `doc`, by yaml's rule (scalar keys equal by value) and in
 * the order yaml reports them. Used instead of yaml's `uniqueKeys`, which compares every key with
 * every earlier one: seconds of parsing for one 500 KiB mapping.
 */
export function firstDuplicateKey(doc: Document): number | undefined {
  // Nodes to walk, and numbers: duplicates reached in yaml's order. No recursion, any depth.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'number') return item;
    if (isSeq(item)) {
      for (let i = item.items.length - 1; i >= 0; i--)
        stack.push(item.items[i]);
      continue;
    }
    if (!isMap(item)) continue;
    const seen = new Set<unknown>();
    const walk: unknown[] = [];
    for (const { key, value } of item.items) {
      let duplicate: number | undefined;
      const k = isScalar(key) ? key.value : undefined;
      // Merge keys are distinct symbols, and NaN never equals itself: yaml allows both twice.
      if (isScalar(key) && typeof k !== 'symbol' && !Number.isNaN(k)) {
        if (seen.has(k)) duplicate = key.range?.[0] ?? 0;
        seen.add(k);
      }
      // yaml checks a block mapping's key before reading its value, a flow mapping's after.
      walk.push(key);
      if (!item.flow && duplicate !== undefined) walk.push(duplicate);
      walk.push(value);
      if (item.flow && duplicate !== undefined) walk.push(duplicate);
    }
    for (let i = walk.length - 1; i >= 0; i--) stack.push(walk[i]);
  }
  return undefined;
}

/** A source position, 1-based like editors and GitHub annotations. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** One key of a mapping as the workflow sees it: merge keys expanded, aliases resolved. */
export interface MappingEntry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/** An entry with its value as written (an alias stays an alias), for `toJS`. */
interface StoredEntry extends MappingEntry {
  written: unknown;
}

/**
 * Read-only access to a parsed workflow document that follows aliases and `<<` merge keys, so the
 * analysis sees what GitHub sees while every node keeps its source position.
 *
 * Every mapping's entries are computed once, and all expansion work is counted against a
 * {@link WorkBudget}: nested `<<: [*a, *a]` costs linear work, and what is still too much throws a
 * {@link YamlLimitError} instead of stalling.
 */
export class YamlView {
  private readonly budget: WorkBudget;
  /** Whether `<<` merges: only when the document was parsed with merge keys, as in yaml's toJS. */
  private readonly merge: boolean;
  private spent = 0;
  private aliasTargets?: Map<Alias, Node | undefined>;
  private readonly memo = new Map<YAMLMap, readonly StoredEntry[]>();
  private readonly pending = new Set<YAMLMap>();

  constructor(
    readonly doc: Document,
    private readonly lineCounter: LineCounter,
    budget?: WorkBudget,
  ) {
    this.budget = budget ?? new WorkBudget();
    this.merge = doc.schema.tags.some(t => t.tag === MERGE_TAG && !!t.default);
  }

  /** Work units this view has spent (deterministic, so tests can bound it instead of timing it). */
  get work(): number {
    return this.spent;
  }

  /** Counts work against the budget; throws a YamlLimitError once it is exhausted. */
  spend(units: number, node?: Node | null): void {
    this.budget.spend(units, node);
    this.spent += units;
  }

  position(node: Node | null | undefined): SourcePosition {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  resolve(node: unknown): Node | null {
    let current = node;
    for (let i = 0; isAlias(current); i++) {
      if (i > MAX_YAML_DEPTH) return null;
      current = this.target(current);
    }
    return (current as Node | undefined) ?? null;
  }

  /** The node an alias names: the last node with that anchor before it, as yaml resolves it. */
  private target(alias: Alias): Node | undefined {
    if (!this.aliasTargets) {
      // One walk for all aliases: yaml's Alias#resolve walks the whole document on every call.
      const targets = new Map<Alias, Node | undefined>();
      const anchors = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  /** Entries of a mapping in source order; explicit keys win over merged ones, as YAML says. */
  entries(node: Node | null): readonly MappingEntry[] {
    const map = this.resolve(node);
    return isMap(map) ? this.entriesOf(map, 0) : [];
  }

  private entriesOf(map: YAMLMap, depth: number): readonly StoredEntry[] {
    const known = this.memo.get(map);
    if (known) return known;
    if (this.pending.has(map))
      throw new YamlLimitError(YAML_LIMIT_MESSAGES.cycle, map);
    if (depth > MAX_YAML_DEPTH)
      throw new YamlLimitError(YAML_LIMIT_MESSAGES.depth, map);
    this.pending.add(map);
    const explicit: StoredEntry[] = [];
    const merged: StoredEntry[] = [];
    try {
      for (const pair of map.items) {
        this.spend(1, map);
        const keyNode = pair.key as Node | null;
        if (
          this.merge &&
          isScalar(keyNode) &&
          (typeof keyNode.value === 'symbol' || keyNode.source === '<<')
        ) {
          const source = this.resolve(pair.value as Node | null);
          const sources = isSeq(source) ? source.items : [source];
          for (const item of sources) {
            const from = this.resolve(item);
            if (!isMap(from)) continue;
            const inherited = this.entriesOf(from, depth + 1);
            this.spend(inherited.length, map);
            for (const entry of inherited) {
              // Position merged keys at the merge key so evidence points at this mapping.
              merged.push({ ...entry, keyNode });
            }
          }
          continue;
        }
        if (
          !isScalar(keyNode) ||
          keyNode.value === null ||
          typeof keyNode.value === 'object'
        ) {
          continue;
        }
        explicit.push({
          key: String(keyNode.value),
          keyNode,
          value: this.resolve(pair.value as Node | null),
          written: pair.value,
        });
      }
    } finally {
      this.pending.delete(map);
    }
    const seen = new Set(explicit.map(e => e.key));
    const result = [...explicit];
    for (const entry of merged) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      result.push(entry);
    }
    result.sort(
      (a, b) => (a.keyNode.range?.[0] ?? 0) - (b.keyNode.range?.[0] ?? 0),
    );
    this.memo.set(map, result);
    return result;
  }

  get(node: Node | null, key: string): MappingEntry | undefined {
    return this.entries(node).find(e => e.key === key);
  }

  items(node: Node | null): Node[] {
    const seq = this.resolve(node);
    if (!isSeq(seq)) return [];
    return seq.items
      .map(item => this.resolve(item))
      .filter((n): n is Node => n !== null);
  }

  /**
   * The plain JavaScript value of a node (aliases and merges applied), as yaml's `toJS` gives it.
   * Every value built counts against the budget, so alias bombs stop at the budget; a value that
   * contains itself is refused rather than expanded forever.
   */
  toJS(node: Node | null): unknown {
    return this.toValue(node, 0, new Set());
  }

  private toValue(written: unknown, depth: number, open: Set<Node>): unknown {
    const node = this.resolve(written);
    this.spend(1, node);
    if (isAlias(written) && !node) {
      // What yaml's toJS throws: an alias must follow its anchor.
      throw new ReferenceError(
        `Unresolved alias (the anchor must be set before the alias): ${written.source}`,
      );
    }
    if (isScalar(node)) return node.value;
    if (!isMap(node) && !isSeq(node)) return null;
    if (open.has(node))
      throw new YamlLimitError(YAML_LIMIT_MESSAGES.cycle, node);
    if (depth >= MAX_YAML_DEPTH)
      throw new YamlLimitError(YAML_LIMIT_MESSAGES.depth, node);
    open.add(node);
    try {
      if (isSeq(node))
        return node.items.map(item => this.toValue(item, depth + 1, open));
      const out: Record<string, unknown> = {};
      for (const entry of this.entriesOf(node, 0)) {
        const value = this.toValue(entry.written, depth + 1, open);
        // A `__proto__` key is data, never the object's prototype (yaml does the same).
        Object.defineProperty(out, entry.key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
      return out;
    } finally {
      open.delete(node);
    }
  }

  string(node: Node | null): string | undefined {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    return undefined;
  }

  /** Line of the first content line of a scalar (block scalars start after their indicator). */
  contentLine(node: Node | null): number {
    const { line } = this.position(node);
    if (
      isScalar(node) &&
      (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')
    ) {
      return line + 1;
    }
    return line;
  }
}
