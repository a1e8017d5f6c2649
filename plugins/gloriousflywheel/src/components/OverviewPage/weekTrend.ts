import { TrancheTrendPoint } from '@tinyland/backstage-plugin-gloriousflywheel-common';

const DAY_MS = 86400e3;

/** What the overview says about a tranche's trend since last week. */
export type WeekTrend =
  | { kind: 'change'; since: string; adoptedThen: number; adoptedNow: number }
  /** history exists but does not reach back a week: says from when it does */
  | { kind: 'too-short'; firstDay: string }
  | { kind: 'none' };

/**
 * Adopted repositories now against the last recorded day at least seven days before `today`
 * (`YYYY-MM-DD`, UTC, as the backend records its daily points).
 */
export function weekTrend(
  trend: TrancheTrendPoint[],
  adoptedNow: number,
  today: Date,
): WeekTrend {
  if (!trend.length) return { kind: 'none' };
  const cutoff = new Date(today.getTime() - 7 * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const sorted = [...trend].sort((a, b) => a.day.localeCompare(b.day));
  const then = sorted.filter(p => p.day <= cutoff).pop();
  if (!then) return { kind: 'too-short', firstDay: sorted[0].day };
  return {
    kind: 'change',
    since: then.day,
    adoptedThen: then.stages.adopted ?? 0,
    adoptedNow,
  };
}
