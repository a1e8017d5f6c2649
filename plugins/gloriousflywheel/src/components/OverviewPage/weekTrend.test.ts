import { TrancheTrendPoint } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { weekTrend } from './weekTrend';

const point = (day: string, adopted: number): TrancheTrendPoint => ({
  day,
  stages: { adopted, 'in-progress': 0, blocked: 0, 'not-started': 0 },
});
const today = new Date('2026-12-01T12:00:00Z');

describe('weekTrend', () => {
  it('compares with the last day at least a week old', () => {
    const trend = [
      point('2026-11-20', 1),
      point('2026-11-24', 2),
      point('2026-11-25', 3),
      point('2026-11-30', 5),
    ];
    expect(weekTrend(trend, 6, today)).toEqual({
      kind: 'change',
      since: '2026-11-24',
      adoptedThen: 2,
      adoptedNow: 6,
    });
  });

  it('reads unordered history', () => {
    const trend = [
      point('2026-11-30', 5),
      point('2026-11-10', 1),
      point('2026-11-23', 4),
    ];
    expect(weekTrend(trend, 5, today)).toMatchObject({
      since: '2026-11-23',
      adoptedThen: 4,
    });
  });

  it('says from when history exists when it is younger than a week', () => {
    expect(
      weekTrend([point('2026-11-29', 1), point('2026-11-30', 2)], 2, today),
    ).toEqual({
      kind: 'too-short',
      firstDay: '2026-11-29',
    });
  });

  it('says there is none without history', () => {
    expect(weekTrend([], 3, today)).toEqual({ kind: 'none' });
  });
});
