import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// The README's legacy install blocks are the marked regions of the example app files, which
// legacyApp.test.tsx renders and `yarn tsc` type-checks; this keeps the two from drifting apart. A
// region matches a plain code block that holds it, or a run of added lines of a ```diff block (the
// README's patches against a stock app), compared without whitespace: the README may wrap lines.
const EXAMPLES = [
  'AppRoutes.example.tsx',
  'Sidebar.example.tsx',
  'EntityPage.example.tsx',
];
const README = resolve(__dirname, '../../README.md');
const IDS = [
  'app-imports',
  'app-routes',
  'sidebar-imports',
  'sidebar-items',
  'entity-imports',
  'overview-card',
  'component-tab',
  'resource-tab',
];
const MARKER = /gloriousflywheel-readme:(begin|end) ([\w-]+)/;

/** Lines whitespace-trimmed, blank lines at either end dropped. */
function normalize(lines: string[]): string {
  const trimmed = lines.map(l => l.trim());
  while (trimmed.length && !trimmed[0]) trimmed.shift();
  while (trimmed.length && !trimmed[trimmed.length - 1]) trimmed.pop();
  return trimmed.join('\n');
}

/** The code with no whitespace at all, so that wrapping and indentation do not count. */
const compact = (lines: string[]) => lines.join('').replace(/\s+/g, '');

/** The lines without their common indentation, as the README shows them. */
function dedent(lines: string[]): string {
  const indents = lines
    .filter(l => l.trim())
    .map(l => /^ */.exec(l)![0].length);
  const cut = Math.min(...indents);
  return lines.map(l => l.slice(cut).trimEnd()).join('\n');
}

/** Every marked region of the example files, by id, in file order. */
function snippets(): Map<string, { where: string; lines: string[] }[]> {
  const byId = new Map<string, { where: string; lines: string[] }[]>();
  for (const file of EXAMPLES) {
    const lines = readFileSync(resolve(__dirname, file), 'utf8').split('\n');
    let open: { id: string; start: number; where: string } | undefined;
    lines.forEach((line, i) => {
      const m = MARKER.exec(line);
      if (!m) return;
      const [, edge, id] = m;
      const where = `${file}:${i + 1}`;
      if (edge === 'begin') {
        if (open)
          throw new Error(
            `${where}: region ${id} begins inside region ${open.id}`,
          );
        open = { id, start: i + 1, where };
      } else {
        if (open?.id !== id)
          throw new Error(
            `${where}: region ${id} ends but ${
              open ? open.id : 'none'
            } is open`,
          );
        byId.set(id, [
          ...(byId.get(id) ?? []),
          { where: open.where, lines: lines.slice(open.start, i) },
        ]);
        open = undefined;
      }
    });
    if (open) throw new Error(`${file}: region ${open.id} never ends`);
  }
  return byId;
}

/**
 * The README's code, compacted: each plain fenced block whole, and each run of added lines of a
 * `diff` block (context and removed lines left out).
 */
function readmeCode(): string[] {
  const code: string[] = [];
  let fence: { marker: string; diff: boolean } | undefined;
  let body: string[] = [];
  const flushDiffRun = () => {
    if (body.length) code.push(compact(body));
    body = [];
  };
  for (const line of readFileSync(README, 'utf8').split('\n')) {
    const open = /^\s*(`{3,}|~{3,})\s*(\w*)/.exec(line);
    if (!fence && open) {
      fence = { marker: open[1], diff: open[2] === 'diff' };
      body = [];
    } else if (fence && line.trim() === fence.marker) {
      if (fence.diff) flushDiffRun();
      else code.push(compact(body));
      fence = undefined;
    } else if (fence?.diff) {
      if (line.startsWith('+') && !line.startsWith('+++'))
        body.push(line.slice(1));
      else flushDiffRun();
    } else if (fence) {
      body.push(line);
    }
  }
  return code;
}

describe('README legacy install blocks', () => {
  const byId = snippets();

  it('the example files mark exactly the expected regions', () => {
    expect([...byId.keys()].sort()).toEqual([...IDS].sort());
  });

  it('a region used on several pages reads the same on each', () => {
    const differing = [...byId].flatMap(([id, regions]) =>
      regions
        .filter(r => normalize(r.lines) !== normalize(regions[0].lines))
        .map(r => `${r.where}: region ${id} differs from ${regions[0].where}`),
    );
    expect(differing).toEqual([]);
  });

  it.each(IDS)('README.md has the block %s', id => {
    const region = byId.get(id)?.[0];
    if (!region) throw new Error(`no region ${id} in ${EXAMPLES.join(', ')}`);
    const wanted = compact(region.lines);
    // On failure this prints the block to paste into the README.
    const missing = readmeCode().some(code => code.includes(wanted))
      ? undefined
      : `plugins/gloriousflywheel/README.md must contain this block, or these lines added in a diff block (region ${id}, ${region.where}):\n` +
        `\`\`\`tsx\n${dedent(region.lines)}\n\`\`\`\n`;
    expect(missing).toBeUndefined();
  });
});
