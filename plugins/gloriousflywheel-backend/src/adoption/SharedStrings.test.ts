import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SharedStrings } from './SharedStrings';
import type { RepoScanRecord } from './types';

setFlagsFromString('--expose-gc');
const gc: () => void = runInNewContext('gc');

// joined at run time, as the scorecard builds its texts, so that each record has its own copies
const text = (...parts: (string | number)[]) => parts.join('');

/** The parts of a scan record the table walks, and some it leaves alone. */
function record(i: number): RepoScanRecord {
  const jobs = 1 + (i % 4);
  const url = text('https://github.com/tinyland-inc/svc-', i);
  return {
    owner: 'tinyland-inc',
    name: text('svc-', i),
    inputs: { files: { 'README.md': text('# svc-', i) } },
    result: {
      url,
      scorecard: {
        evaluatedAt: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
        checks: [
          {
            summary: text(
              jobs,
              ' jobs in ',
              jobs,
              ' workflows, all on runner classes',
            ),
            evidence: [
              { path: text('.github/workflows/', 'ci.yml'), line: jobs, url },
            ],
          },
        ],
      },
      jobs: [
        {
          jobId: text('te', 'st'),
          labels: [text('tinyland-', 'nix')],
          url: text(url, '/blob/main/.github/workflows/ci.yml#L', jobs),
          long: text('x'.repeat(300), i % 2),
        },
      ],
    },
  } as unknown as RepoScanRecord;
}

describe('SharedStrings', () => {
  it('leaves every value as it was', () => {
    const strings = new SharedStrings();
    const records = [record(1), record(2), record(1)];
    const before = structuredClone(records);
    records.forEach(r => strings.shareRecord(r));
    expect(records).toEqual(before);
  });

  it('holds the repeated texts of checks and jobs, not URLs, times, long texts or names', () => {
    const strings = new SharedStrings();
    for (let i = 0; i < 100; i++) strings.shareRecord(record(i));
    // 4 summaries, 1 path, 1 job id, 1 label
    expect(strings.size).toBe(7);
  });

  it('passes over a record that lacks its scorecard or jobs', () => {
    const strings = new SharedStrings();
    const partial = {
      owner: 'o',
      name: 'n',
      result: { url: 'u' },
    } as unknown as RepoScanRecord;
    expect(strings.shareRecord(partial)).toEqual({
      owner: 'o',
      name: 'n',
      result: { url: 'u' },
    });
    expect(strings.size).toBe(0);
  });

  it('starts again empty at its bound, and still returns every text', () => {
    const strings = new SharedStrings(10);
    for (let i = 0; i < 10; i++) strings.share(`t${i}`);
    expect(strings.size).toBe(10);
    expect(strings.share('t3')).toBe('t3');
    expect(strings.size).toBe(10);
    for (let i = 10; i < 25; i++) expect(strings.share(`t${i}`)).toBe(`t${i}`);
    // emptied at t10 and at t20: t20..t24 held
    expect(strings.size).toBe(5);
  });

  it('saves the memory of the copies it replaces', () => {
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const build = (strings?: SharedStrings) =>
      Array.from({ length: 20_000 }, (_, i) => {
        const r = record(i);
        r.result.jobs.forEach(j => delete (j as { long?: string }).long);
        return strings ? strings.shareRecord(r) : r;
      });
    let start = heap();
    let kept = build();
    const copies = heap() - start;
    kept = [];
    start = heap();
    kept = build(new SharedStrings());
    const shared = heap() - start;
    expect(kept).toHaveLength(20_000);
    // four texts per record (about 160 bytes of strings) held once instead of 20,000 times
    expect(copies - shared).toBeGreaterThan(20_000 * 100);
  });
});
