import MuiLink from '@mui/material/Link';
import Tooltip from '@mui/material/Tooltip';
import { MigrationPullRequest } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** `draft`, `open` or `merged <day>`. */
function status(p: MigrationPullRequest): string {
  if (p.state === 'merged')
    return `merged ${p.mergedAt?.slice(0, 10) ?? ''}`.trim();
  return p.draft ? 'draft' : 'open';
}

/**
 * A repository's migration pull requests as `#n` links to GitHub, open ones first; `compact`
 * leaves the titles to tooltips (matrix rows), otherwise they are written out (entity tab).
 */
export function MigrationPullRequestLinks({
  pulls,
  compact = false,
}: {
  pulls: readonly MigrationPullRequest[];
  compact?: boolean;
}) {
  if (!pulls.length) return <>—</>;
  const ordered = [...pulls].sort(
    (a, b) =>
      Number(b.state === 'open') - Number(a.state === 'open') ||
      b.number - a.number,
  );
  return (
    <>
      {ordered.map((p, i) => (
        <span
          key={p.number}
          data-testid={`migration-pr-${p.number}`}
          data-state={p.state}
        >
          {i > 0 && (compact ? ' ' : <br />)}
          <Tooltip title={`${status(p)}: ${p.title}`}>
            <MuiLink
              href={p.url}
              target="_blank"
              rel="noopener"
              underline="always"
              aria-label={`${p.state} migration pull request #${p.number}: ${p.title}`}
            >
              #{p.number}
            </MuiLink>
          </Tooltip>
          {!compact && (
            <>
              {' '}
              {p.title} ({status(p)})
            </>
          )}
          {compact && p.state === 'open' && <span aria-hidden> ◔</span>}
        </span>
      ))}
    </>
  );
}
