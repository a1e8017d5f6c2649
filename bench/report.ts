/** Small helpers to print benchmark results side by side. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[i];
}

export function printTable(
  title: string,
  header: string[],
  rows: (string | number)[][],
) {
  const cells = [header, ...rows.map(r => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map(r => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  process.stdout.write(
    `\n${title}\n${line(header)}\n${widths
      .map(w => '-'.repeat(w))
      .join('  ')}\n`,
  );
  for (const r of cells.slice(1)) process.stdout.write(`${line(r)}\n`);
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;

/** One target of the issue a bench measures, for the closing table. */
export interface Target {
  target: string;
  goal: string;
  measured: string;
  /** undefined: not measured by this bench */
  met?: boolean;
}

/** The closing table: every target with its goal, what was measured and the verdict. */
export function printTargets(targets: Target[]) {
  printTable(
    'Targets',
    ['target', 'goal', 'measured', 'verdict'],
    targets.map(t => [
      t.target,
      t.goal,
      t.measured,
      t.met === undefined ? 'not measured' : t.met ? 'met' : 'MISSED',
    ]),
  );
}

/** A LoggerService that drops everything: benchmarks print figures, not service logs. */
export const silentLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};
