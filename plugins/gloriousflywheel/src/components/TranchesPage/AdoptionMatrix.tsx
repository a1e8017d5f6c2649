import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import MuiLink from '@mui/material/Link';
import {
  RepoAdoption,
  ScorecardVerdict,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { StageChip } from '../VerdictChip';
import { MigrationPullRequestLinks } from '../MigrationPullRequests';

const VERDICT_SYMBOL: Record<ScorecardVerdict, string> = {
  pass: '✓',
  fail: '✗',
  exempt: '○',
  unknown: '?',
};
const VERDICT_COLOR: Record<ScorecardVerdict, string> = {
  pass: 'success.main',
  fail: 'error.main',
  exempt: 'info.main',
  unknown: 'text.disabled',
};
const ROW_HEIGHT = 36;
const gridColumns = (checks: number) =>
  `minmax(220px, 2fr) 110px 110px minmax(140px, 1fr) 110px repeat(${checks}, 56px)`;

/**
 * Repositories × dogfood checks. Rows are virtualized (@tanstack/react-virtual) so an org of ten
 * thousand repositories scrolls as smoothly as the first tranche; rows whose page has not arrived
 * yet show as placeholders, and `onRows` tells which rows are in view so their pages are fetched.
 */
export function AdoptionMatrix({
  count,
  row,
  onRows,
  checks,
  onOpen,
}: {
  /** rows in the matrix (the server's total for the filter) */
  count: number;
  /** row `index`, undefined while it loads */
  row: (index: number) => RepoAdoption | undefined;
  /** the rows rendered now, first and last index (with overscan) */
  onRows?: (start: number, end: number) => void;
  checks: { id: string; title: string }[];
  /** opens the repository's full result */
  onOpen: (r: RepoAdoption) => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const height = Math.min(600, Math.max(ROW_HEIGHT * count, ROW_HEIGHT));
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The viewport's height is ours (style below), so no resize observation is needed; this also
    // renders rows where there is no layout engine (jsdom).
    observeElementRect: (_instance, cb) => {
      cb({ width: parent.current?.clientWidth || 1200, height });
      return () => {};
    },
  });
  const columns = gridColumns(checks.length);
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (count) onRows?.(first, last);
  }, [first, last, count, onRows]);
  return (
    <Box
      sx={{
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        overflowX: 'auto',
      }}
    >
      <Box
        sx={{
          display: 'grid',
          gridTemplateColumns: columns,
          px: 1,
          py: 1,
          borderBottom: 1,
          borderColor: 'divider',
          fontWeight: 600,
          fontSize: 13,
        }}
      >
        <span>Repository</span>
        <span>Stage</span>
        <span>Tranche</span>
        <span>Runner classes</span>
        <span>Migration PRs</span>
        {checks.map(c => (
          <Tooltip title={c.title} key={c.id}>
            <span
              style={{
                writingMode: 'vertical-rl',
                transform: 'rotate(180deg)',
                maxHeight: 120,
                overflow: 'hidden',
              }}
            >
              {c.id}
            </span>
          </Tooltip>
        ))}
      </Box>
      <div
        ref={parent}
        style={{ height, overflowY: 'auto' }}
        data-testid="adoption-matrix"
      >
        <div
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {items.map(v => {
            const r = row(v.index);
            if (!r)
              return (
                <Box
                  key={`loading-${v.index}`}
                  aria-busy="true"
                  sx={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    width: '100%',
                    height: ROW_HEIGHT,
                    transform: `translateY(${v.start}px)`,
                    px: 1,
                    display: 'flex',
                    alignItems: 'center',
                    borderBottom: 1,
                    borderColor: 'divider',
                    color: 'text.disabled',
                    fontSize: 13,
                  }}
                >
                  loading…
                </Box>
              );
            const verdicts = new Map(r.scorecard.checks.map(c => [c.id, c]));
            return (
              <Box
                key={`${r.owner}/${r.name}`}
                data-testid={`matrix-row-${r.name}`}
                sx={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  height: ROW_HEIGHT,
                  transform: `translateY(${v.start}px)`,
                  display: 'grid',
                  gridTemplateColumns: columns,
                  alignItems: 'center',
                  px: 1,
                  borderBottom: 1,
                  borderColor: 'divider',
                  fontSize: 13,
                }}
              >
                <span>
                  <MuiLink
                    component="button"
                    variant="body2"
                    onClick={() => onOpen(r)}
                    aria-label={`open ${r.owner}/${r.name}`}
                  >
                    {r.name}
                  </MuiLink>
                  {r.stale && (
                    <Typography
                      component="span"
                      variant="caption"
                      color="warning.main"
                      sx={{ ml: 0.5 }}
                    >
                      stale
                    </Typography>
                  )}
                </span>
                <span>
                  <StageChip stage={r.stage} />
                </span>
                <span>{r.tranche ?? '—'}</span>
                <span>
                  {r.runnerClasses.join(', ') ||
                    (r.hostedJobs ? 'hosted only' : '—')}
                </span>
                <span>
                  <MigrationPullRequestLinks
                    pulls={r.migrationPullRequests ?? []}
                    compact
                  />
                </span>
                {checks.map(c => {
                  const check = verdicts.get(c.id);
                  const verdict = check?.verdict ?? 'unknown';
                  return (
                    <Tooltip
                      key={c.id}
                      title={
                        check
                          ? `${check.verdict}: ${check.summary}`
                          : 'not evaluated'
                      }
                    >
                      <Box
                        component="span"
                        sx={{
                          color: VERDICT_COLOR[verdict],
                          fontWeight: 700,
                          textAlign: 'center',
                        }}
                        data-verdict={verdict}
                      >
                        {VERDICT_SYMBOL[verdict]}
                      </Box>
                    </Tooltip>
                  );
                })}
              </Box>
            );
          })}
        </div>
      </div>
    </Box>
  );
}
