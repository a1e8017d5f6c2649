import { computeQueueStats, percentile, queueSeconds } from './queueStats';
import {
  parseJobUrl,
  scaleSetAcceptsLabels,
  scaleSetOfRunner,
  scaleSetServesRepo,
} from './scaleSetMatch';

const NOW = new Date('2026-12-01T12:30:00Z');
const job = (
  status: 'queued' | 'in_progress' | 'completed',
  createdAt: string,
  startedAt: string | null = null,
) => ({ status, createdAt, startedAt });

describe('percentile', () => {
  it.each([
    [[], 50, null],
    [[7], 95, 7],
    [[1, 2, 3, 4], 50, 2],
    [[4, 3, 2, 1], 95, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
  ])('%j p%d = %s', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe('queueSeconds', () => {
  it('counts to the start, or to now while waiting, never below zero', () => {
    expect(
      queueSeconds(
        job('completed', '2026-12-01T12:00:00Z', '2026-12-01T12:01:30Z'),
        NOW,
      ),
    ).toBe(90);
    expect(queueSeconds(job('queued', '2026-12-01T12:29:00Z'), NOW)).toBe(60);
    expect(
      queueSeconds(
        job('completed', '2026-12-01T12:00:05Z', '2026-12-01T12:00:00Z'),
        NOW,
      ),
    ).toBe(0);
    expect(queueSeconds(job('queued', 'not a date'), NOW)).toBe(0);
  });
});

describe('computeQueueStats', () => {
  it('counts waiting and running jobs and the queue times of jobs started in each window', () => {
    const stats = computeQueueStats(
      [
        job('queued', '2026-12-01T12:20:00Z'),
        {
          status: 'waiting',
          createdAt: '2026-12-01T12:20:00Z',
          startedAt: null,
        },
        job('in_progress', '2026-12-01T12:00:00Z', '2026-12-01T12:00:10Z'),
        job('completed', '2026-12-01T11:50:00Z', '2026-12-01T11:51:00Z'),
        job('completed', '2026-12-01T08:00:00Z', '2026-12-01T08:10:00Z'),
        job('completed', '2026-11-29T08:00:00Z', '2026-11-29T08:10:00Z'),
      ],
      NOW,
    );
    expect(stats.queued).toBe(2);
    expect(stats.running).toBe(1);
    expect(stats.p50Seconds1h).toBe(10);
    expect(stats.p95Seconds1h).toBe(60);
    expect(stats.started24h).toBe(3);
    expect(stats.p50Seconds24h).toBe(60);
    expect(stats.p95Seconds24h).toBe(600);
    expect(stats.trend).toHaveLength(24);
    expect(stats.trend[23]).toEqual({
      hour: '2026-12-01T12:00:00.000Z',
      p95Seconds: 10,
      started: 1,
    });
    expect(
      stats.trend.find(h => h.hour === '2026-12-01T08:00:00.000Z'),
    ).toEqual({
      hour: '2026-12-01T08:00:00.000Z',
      p95Seconds: 600,
      started: 1,
    });
    expect(stats.trend[0].hour).toBe('2026-11-30T13:00:00.000Z');
  });

  it('has no percentiles without started jobs', () => {
    const stats = computeQueueStats(
      [job('queued', '2026-12-01T12:20:00Z')],
      NOW,
    );
    expect(stats.p95Seconds1h).toBeNull();
    expect(stats.p50Seconds24h).toBeNull();
    expect(
      stats.trend.every(h => h.started === 0 && h.p95Seconds === null),
    ).toBe(true);
  });
});

describe('scale set matching', () => {
  const set = {
    runnerScaleSetName: 'tinyland-nix',
    labels: ['nix', 'x-large'],
    githubConfigUrl: 'https://github.com/tinyland-inc',
  };
  it.each([
    [['tinyland-nix'], true],
    [['self-hosted', 'Tinyland-Nix'], true],
    [['nix', 'x-large'], true],
    [['tinyland-nix', 'gpu'], false],
    [['self-hosted'], false],
    [[], false],
  ])('%j accepted: %s', (labels, expected) => {
    expect(scaleSetAcceptsLabels(set, labels)).toBe(expected);
  });

  it.each([
    ['https://github.com/tinyland-inc', 'tinyland-inc/lab', true],
    ['https://github.com/tinyland-inc/', 'Tinyland-Inc/lab', true],
    ['https://github.com/tinyland-inc/lab', 'tinyland-inc/lab', true],
    ['https://github.com/tinyland-inc/lab', 'tinyland-inc/blahaj', false],
    ['https://github.com/jess', 'tinyland-inc/lab', false],
    ['https://ghe.example.com/enterprises/tiny', 'tinyland-inc/lab', true],
    ['', 'tinyland-inc/lab', false],
  ])('%s serves %s: %s', (githubConfigUrl, repo, expected) => {
    expect(scaleSetServesRepo({ githubConfigUrl }, repo)).toBe(expected);
  });

  it('finds the scale set of an ARC runner by its name, the longest name winning', () => {
    const sets = [{ name: 'tinyland-nix' }, { name: 'tinyland-nix-heavy' }];
    expect(
      scaleSetOfRunner('tinyland-nix-heavy-x7k2p-runner-9qz4m', sets)?.name,
    ).toBe('tinyland-nix-heavy');
    expect(
      scaleSetOfRunner('tinyland-nix-x7k2p-runner-9qz4m', sets)?.name,
    ).toBe('tinyland-nix');
    expect(scaleSetOfRunner('GitHub Actions 12', sets)).toBeUndefined();
    expect(scaleSetOfRunner(null, sets)).toBeUndefined();
  });

  it.each([
    [
      'https://github.com/tinyland-inc/lab/actions/runs/123/job/456',
      { repo: 'tinyland-inc/lab', runId: 123, jobId: 456 },
    ],
    [
      'https://github.com/tinyland-inc/lab/actions/runs/123/attempts/2/job/456?pr=1',
      { repo: 'tinyland-inc/lab', runId: 123, jobId: 456 },
    ],
    ['https://github.com/tinyland-inc/lab/actions/runs/123', undefined],
    ['ftp://github.com/tinyland-inc/lab/actions/runs/1/job/2', undefined],
    [
      'https://github.com/tinyland-inc/lab/actions/runs/123/job/99999999999999999999',
      undefined,
    ],
  ])('parseJobUrl(%s)', (url, expected) => {
    expect(parseJobUrl(url)).toEqual(expected);
  });
});
