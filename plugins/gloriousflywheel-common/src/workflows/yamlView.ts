import {
  Document,
  LineCounter,
  Node,
  isAlias,
  isMap,
  isScalar,
  isSeq,
} from 'yaml';

/** How deep merge keys and aliases are followed; real workflows never come close. */
const MAX_RESOLVE_DEPTH = 32;

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

/**
 * Read-only access to a parsed workflow document that follows aliases and `<<` merge keys, so the
 * analysis sees what GitHub sees while every node keeps its source position.
 */
export class YamlView {
  constructor(
    readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  position(node: Node | null | undefined): SourcePosition {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  resolve(node: unknown, depth = 0): Node | null {
    let current = node;
    for (let i = depth; isAlias(current); i++) {
      if (i > MAX_RESOLVE_DEPTH) return null;
      current = current.resolve(this.doc);
    }
    return (current as Node | undefined) ?? null;
  }

  /** Entries of a mapping in source order; explicit keys win over merged ones, as YAML says. */
  entries(node: Node | null, depth = 0): MappingEntry[] {
    const map = this.resolve(node);
    if (!isMap(map) || depth > MAX_RESOLVE_DEPTH) return [];
    const explicit: MappingEntry[] = [];
    const merged: MappingEntry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      if (
        isScalar(keyNode) &&
        (typeof keyNode.value === 'symbol' || keyNode.source === '<<')
      ) {
        const source = this.resolve(pair.value as Node | null);
        const sources = isSeq(source) ? source.items : [source];
        for (const item of sources) {
          for (const entry of this.entries(item as Node | null, depth + 1)) {
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
      });
    }
    const seen = new Set(explicit.map(e => e.key));
    const result = [...explicit];
    for (const entry of merged) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      result.push(entry);
    }
    return result.sort(
      (a, b) => (a.keyNode.range?.[0] ?? 0) - (b.keyNode.range?.[0] ?? 0),
    );
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

  /** The plain JavaScript value of a node (aliases and merges applied). */
  toJS(node: Node | null): unknown {
    if (!node) return null;
    return node.toJS(this.doc, { maxAliasCount: 1000 });
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
