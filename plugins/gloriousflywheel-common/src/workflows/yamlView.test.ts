import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, Node, parseDocument } from 'yaml';
import {
  MAX_YAML_DEPTH,
  WorkBudget,
  YAML_LIMIT_MESSAGES,
  YAML_WORK_BUDGET,
  YamlView,
  firstDuplicateKey,
  isYamlLimitError,
} from './yamlView';

function view(text: string, budget = new WorkBudget()) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    merge: true,
    uniqueKeys: false,
  });
  expect(doc.errors).toEqual([]);
  return new YamlView(doc, lineCounter, budget);
}

/** The top-level value under `key`. */
const at = (v: YamlView, key: string) =>
  v.get(v.doc.contents as Node, key)?.value ?? null;

/** What a call throws, or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** What a call gives: its value, or the message of what it throws. */
function attempt(f: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** `levels` mappings, each merging the previous one `fanout` times and adding key `k<i>` if asked. */
function mergeChain(levels: number, fanout: number, newKeys: boolean) {
  const lines = ['a0: &a0 {k0: 0}'];
  for (let i = 1; i <= levels; i++) {
    const sources = Array(fanout)
      .fill(`*a${i - 1}`)
      .join(', ');
    lines.push(
      `a${i}: &a${i} {<<: [${sources}]${newKeys ? `, k${i}: ${i}` : ''}}`,
    );
  }
  lines.push(`top: *a${levels}`);
  return lines.join('\n');
}

/** The billion-laughs shape: each level a list of `width` aliases of the level below. */
function aliasBomb(levels: number, width: number) {
  const lines = [`a0: &a0 [${Array(width).fill('x').join(', ')}]`];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(width)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  lines.push(`top: *a${levels}`);
  return lines.join('\n');
}

describe('YamlView merge keys', () => {
  it('reads thirty levels of `<<: [*a, *a]` with linear work', () => {
    const v = view(mergeChain(30, 2, false));
    expect(v.entries(at(v, 'top')).map(e => e.key)).toEqual(['k0']);
    // Per level: two pairs read and one inherited key per source, never 2^30.
    expect(v.work).toBeLessThanOrEqual(31 * 4 + 10);
  });

  it.each([5, 10, 20, 30])(
    'grows linearly with the depth of a merge chain (%i levels)',
    levels => {
      const v = view(mergeChain(levels, 2, false));
      v.entries(at(v, 'top'));
      const twice = view(mergeChain(levels * 2, 2, false));
      twice.entries(at(twice, 'top'));
      // Doubling the depth at most doubles the work (plus the root's own entries).
      expect(twice.work).toBeLessThanOrEqual(2 * v.work + 10);
    },
  );

  it('keeps every inherited key, and explicit keys win', () => {
    const v = view(
      [
        'a: &a {x: 1, y: 1}',
        'b: &b {y: 2, z: 2}',
        'c: {<<: [*a, *b], x: 3}',
      ].join('\n'),
    );
    expect(v.toJS(at(v, 'c'))).toEqual({ x: 3, y: 1, z: 2 });
  });

  it('computes each mapping once: asking again costs nothing', () => {
    const v = view(mergeChain(30, 3, true));
    const first = v.entries(at(v, 'top'));
    const work = v.work;
    expect(v.entries(at(v, 'top'))).toBe(first);
    expect(v.get(at(v, 'top'), 'k7')?.key).toBe('k7');
    expect(v.work).toBe(work);
  });

  it('refuses merge chains deeper than MAX_YAML_DEPTH', () => {
    const v = view(mergeChain(MAX_YAML_DEPTH + 1, 1, false));
    const error = thrown(() => v.entries(at(v, 'top')));
    expect(isYamlLimitError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Aliases or merge keys nest more than 64 levels deep',
    );
  });

  it('refuses a mapping that merges itself', () => {
    const v = view('a: &a {<<: *a, x: 1}\n');
    expect((thrown(() => v.entries(at(v, 'a'))) as Error).message).toBe(
      'An alias or merge key refers to a node that contains it',
    );
  });

  it('treats `<<` as a plain key when the document has no merge keys', () => {
    const lineCounter = new LineCounter();
    const doc = parseDocument('a: &a {x: 1}\nb: {<<: *a}\n', { lineCounter });
    const v = new YamlView(doc, lineCounter);
    expect(v.toJS(doc.contents as Node)).toEqual(doc.toJS());
  });
});

describe('YamlView.toJS', () => {
  const FIXTURES = join(__dirname, '..', '__fixtures__', 'workflows');

  it('gives what yaml gives for every parseable fixture', () => {
    let compared = 0;
    for (const name of readdirSync(FIXTURES).filter(f => /\.ya?ml$/.test(f))) {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter, merge: true });
      if (doc.errors.length > 0 || !doc.contents) continue;
      let expected: unknown;
      try {
        expected = doc.toJS({ maxAliasCount: 1000 });
      } catch {
        continue; // the alias bomb: covered below
      }
      expect(new YamlView(doc, lineCounter).toJS(doc.contents)).toEqual(
        expected,
      );
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(40);
  });

  it('stops an alias bomb at the budget, having done no more work than the budget', () => {
    const budget = new WorkBudget();
    const v = view(aliasBomb(9, 9), budget);
    const error = thrown(() => v.toJS(at(v, 'top')));
    expect(isYamlLimitError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Aliases and merge keys expand beyond the analysis budget of ${YAML_WORK_BUDGET} steps`,
    );
    expect(v.work).toBeLessThanOrEqual(YAML_WORK_BUDGET);
    expect(budget.used).toBe(v.work);
  });

  it('refuses a value that contains itself', () => {
    const v = view('a: &a {b: [*a]}\n');
    expect((thrown(() => v.toJS(at(v, 'a'))) as Error).message).toBe(
      YAML_LIMIT_MESSAGES.cycle,
    );
  });

  it('reports an alias with no anchor before it, as yaml does', () => {
    const v = view('a: [*nope]\n');
    expect((thrown(() => v.toJS(at(v, 'a'))) as Error).message).toBe(
      'Unresolved alias (the anchor must be set before the alias): nope',
    );
  });

  it('keeps `__proto__` as data', () => {
    const v = view('a: {__proto__: {polluted: true}}\n');
    const value = v.toJS(at(v, 'a')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it('shares one budget between views', () => {
    const budget = new WorkBudget(100);
    const a = view(aliasBomb(1, 5), budget);
    a.toJS(at(a, 'top'));
    const b = view(aliasBomb(1, 5), budget);
    b.toJS(at(b, 'top'));
    expect(budget.used).toBe(a.work + b.work);
    const c = view(aliasBomb(1, 5), budget);
    expect(isYamlLimitError(thrown(() => c.toJS(at(c, 'top'))))).toBe(true);
  });
});

describe('YamlView under generated merge and alias bombs', () => {
  /** A small budget keeps each run cheap while still crossing it often. */
  const LIMIT = 20_000;

  it('merge chains: the right keys with polynomial work, or a depth error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (levels, fanout, newKeys) => {
          const v = view(
            mergeChain(levels, fanout, newKeys),
            new WorkBudget(LIMIT),
          );
          const top = at(v, 'top');
          const before = v.work;
          const got = attempt(() => v.entries(top).map(e => e.key));
          // Per level: its pairs, plus `fanout` copies of the keys of the level below. Polynomial:
          // at most (levels + 1) * (2 + fanout * (levels + 1)), against fanout^levels expanded.
          let bound = 0;
          for (let i = 0; i <= levels; i++)
            bound += 2 + fanout * (newKeys ? i + 1 : 1);
          expect(v.work - before).toBeLessThanOrEqual(bound);
          const keys = newKeys
            ? Array.from({ length: levels + 1 }, (_, i) => `k${i}`)
            : ['k0'];
          expect(got).toEqual(
            levels > MAX_YAML_DEPTH
              ? { error: YAML_LIMIT_MESSAGES.depth }
              : { value: keys },
          );
        },
      ),
      { numRuns: 200, seed: 30 },
    );
  });

  it('alias bombs: the full value, or the budget error with work within the budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 9 }),
        (levels, width) => {
          const v = view(aliasBomb(levels, width), new WorkBudget(LIMIT));
          const top = at(v, 'top');
          const before = v.work;
          const got = attempt(() => v.toJS(top));
          expect(v.work).toBeLessThanOrEqual(LIMIT);
          // Values built: one per node of the fully expanded tree.
          let size = 0;
          for (let i = 0; i <= levels + 1; i++) size += width ** i;
          const fits = before + size <= LIMIT;
          let full: unknown = Array(width).fill('x');
          for (let i = 0; i < levels; i++) full = Array(width).fill(full);
          // What fits is built whole, at one step per value.
          expect({ got, work: fits ? v.work - before : 'over' }).toEqual(
            fits
              ? { got: { value: full }, work: size }
              : {
                  got: { error: YAML_LIMIT_MESSAGES.budget(LIMIT) },
                  work: 'over',
                },
          );
        },
      ),
      { numRuns: 200, seed: 31 },
    );
  });

  it('wide merges: every key once per merging mapping, or the budget error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (anchors, keys, mergers) => {
          const lines: string[] = [];
          for (let a = 0; a < anchors; a++) {
            const pairs = Array.from({ length: keys }, (_, k) => `k${k}: ${a}`);
            lines.push(`a${a}: &a${a} {${pairs.join(', ')}}`);
          }
          const all = Array.from({ length: anchors }, (_, a) => `*a${a}`);
          for (let m = 0; m < mergers; m++)
            lines.push(`m${m}: {<<: [${all.join(', ')}]}`);
          const v = view(lines.join('\n'), new WorkBudget(LIMIT));
          const got = attempt(() =>
            Array.from({ length: mergers }, (_, m) => v.toJS(at(v, `m${m}`))),
          );
          expect(v.work).toBeLessThanOrEqual(LIMIT);
          // The root's pairs and each anchor's keys once; per merger its value, its pair, every
          // anchor's keys copied, then one value per distinct key.
          const needed =
            anchors +
            mergers +
            anchors * keys +
            mergers * (2 + anchors * keys + keys);
          // The first source wins each key.
          const first = Object.fromEntries(
            Array.from({ length: keys }, (_, k) => [`k${k}`, 0]),
          );
          expect(got).toEqual(
            needed <= LIMIT
              ? { value: Array(mergers).fill(first) }
              : { error: YAML_LIMIT_MESSAGES.budget(LIMIT) },
          );
        },
      ),
      { numRuns: 80, seed: 32 },
    );
  });
});

/** A generated mapping: its pairs, and whether it is written in flow style. */
interface Mapping {
  flow: boolean;
  pairs: [string, Mapping | string][];
}

/** Block or flow YAML for a mapping (flow all the way down once inside flow). */
function render(map: Mapping, indent = '', inFlow = false): string {
  if (map.flow || inFlow) {
    const pairs = map.pairs.map(
      ([k, v]) => `${k}: ${typeof v === 'string' ? v : render(v, '', true)}`,
    );
    return `{${pairs.join(', ')}}`;
  }
  return map.pairs
    .map(([k, v]) => {
      // An explicit key is flow-only here; in block style it is a plain key.
      const key = k.replace(/^\? /, '');
      if (typeof v === 'string') return `${indent}${key}: ${v}`;
      const nested = render(v, `${indent}  `);
      return v.flow
        ? `${indent}${key}: ${nested}`
        : `${indent}${key}:\n${nested}`;
    })
    .join('\n');
}

describe('firstDuplicateKey', () => {
  it("agrees with yaml's own uniqueKeys check, block and flow", () => {
    const key = fc.constantFrom(
      'a',
      'b',
      '"a"',
      "'b'",
      '1',
      '1.0',
      '<<',
      '? c',
    );
    const { map } = fc.letrec<{ map: Mapping }>(tie => ({
      map: fc.record({
        flow: fc.boolean(),
        pairs: fc.array(
          fc.tuple(
            key,
            fc.oneof({ depthSize: 'small' }, fc.constant('v'), tie('map')),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      }),
    }));
    let blockDuplicates = 0;
    fc.assert(
      fc.property(map, mapping => {
        const text = `${render(mapping)}\n`;
        const strict = parseDocument(text, { merge: true });
        const expected = strict.errors.find(e => e.code === 'DUPLICATE_KEY');
        const loose = parseDocument(text, { merge: true, uniqueKeys: false });
        expect(firstDuplicateKey(loose)).toBe(expected?.pos[0]);
        if (expected && !mapping.flow) blockDuplicates++;
      }),
      { numRuns: 500, seed: 33 },
    );
    expect(blockDuplicates).toBeGreaterThan(50);
  });
});
