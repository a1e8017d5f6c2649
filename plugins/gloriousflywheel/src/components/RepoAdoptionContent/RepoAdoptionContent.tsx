import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EmptyState,
  InfoCard,
  Link,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  AdoptionCheck,
  AdoptionJob,
  RepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { runnerClassEntityPath } from '../entityRefs';
import {
  exceptionProblem,
  HostedChip,
  StageChip,
  VerdictChip,
} from '../VerdictChip';
import { repoOfEntity } from './projectSlug';
import { ago } from '../ClusterSyncBanner';
import { MigrationPullRequestLinks } from '../MigrationPullRequests';
import { RepoJobs } from '../Queue';
import { AsyncContent } from '../AsyncContent';

function runsOnText(j: AdoptionJob) {
  if (j.reusable)
    return j.calledLabels?.length ? (
      <>
        <i>reusable workflow</i>: {j.calledLabels.join(', ')}
      </>
    ) : (
      <i>reusable workflow</i>
    );
  if (j.dynamic && !j.labels.length)
    return j.candidates?.length ? (
      <>
        <i>one of</i> {j.candidates.join(' | ')}
      </>
    ) : (
      <i>dynamic expression</i>
    );
  return j.labels.join(', ');
}

function runsOn(j: AdoptionJob) {
  // The building blocks a job runs Bazel or Nix through, so "no Nix here" is never a surprise.
  if (!j.via?.length) return runsOnText(j);
  return (
    <>
      {runsOnText(j)}
      <br />
      <small>via {j.via.join(' → ')}</small>
    </>
  );
}

function runnerOf(j: AdoptionJob) {
  if (j.runnerClass)
    return (
      <Link to={runnerClassEntityPath(j.runnerClass)}>{j.runnerClass}</Link>
    );
  if (!j.hosted) return '—';
  return <HostedChip exception={j.exception} />;
}

const jobColumns: TableColumn<AdoptionJob>[] = [
  {
    title: 'Workflow job',
    field: 'jobId',
    render: j => (
      <Link to={j.url}>
        {j.path}:{j.line} {j.jobId}
      </Link>
    ),
  },
  {
    title: 'Runs on',
    field: 'labels',
    render: runsOn,
  },
  {
    title: 'Runner class',
    field: 'runnerClass',
    render: runnerOf,
  },
  {
    title: 'Exception',
    field: 'exception',
    render: j =>
      j.exception ? (
        <Typography
          variant="body2"
          color={exceptionProblem(j.exception) ? 'error' : undefined}
        >
          {exceptionProblem(j.exception)
            ? `${exceptionProblem(j.exception)}: `
            : ''}
          {j.exception.category ? `${j.exception.category}, ` : ''}
          until {j.exception.expires}: {j.exception.reason} ({j.exception.owner}
          )
        </Typography>
      ) : (
        ''
      ),
  },
];

function CheckRow({ check }: { check: AdoptionCheck }) {
  return (
    <Grid item xs={12}>
      <InfoCard
        title={
          <Stack direction="row" spacing={1} alignItems="center">
            <VerdictChip verdict={check.verdict} />
            <span>{check.title}</span>
            <Chip size="small" variant="outlined" label={check.severity} />
          </Stack>
        }
        noPadding={false}
      >
        <div data-testid={`check-${check.id}`}>
          <Typography variant="body2" paragraph>
            {check.summary}
          </Typography>
          {check.evidence.length > 0 && (
            <ul style={{ marginTop: 0 }}>
              {check.evidence.slice(0, 20).map((e, i) => (
                <li key={i}>
                  {e.url ? (
                    <Link to={e.url} underline="always">{`${e.path}${
                      e.line ? `:${e.line}` : ''
                    }`}</Link>
                  ) : (
                    `${e.path}${e.line ? `:${e.line}` : ''}`
                  )}
                  {e.excerpt && (
                    <Typography
                      component="code"
                      variant="body2"
                      sx={{ ml: 1, fontFamily: 'monospace' }}
                    >
                      {e.excerpt}
                    </Typography>
                  )}
                  {e.note && (
                    <Typography variant="caption" sx={{ ml: 1 }}>
                      {e.note}
                    </Typography>
                  )}
                </li>
              ))}
              {check.evidence.length > 20 && (
                <li>… {check.evidence.length - 20} more</li>
              )}
            </ul>
          )}
          {check.verdict !== 'pass' && check.howToFix && (
            <Alert
              severity={check.verdict === 'fail' ? 'warning' : 'info'}
              sx={{ mt: 1 }}
            >
              {check.howToFix}
            </Alert>
          )}
        </div>
      </InfoCard>
    </Grid>
  );
}

export function RepoAdoptionView({ adoption }: { adoption: RepoAdoption }) {
  const a = adoption;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        {a.stale && (
          <WarningPanel
            severity="warning"
            title="This result may be outdated"
            message={
              a.error
                ? `The latest scan failed: ${a.error.message}`
                : `Last scanned ${ago(a.scannedAt)}.`
            }
          />
        )}
        {a.fileErrors.map(f => (
          <Alert severity="error" key={f.path} sx={{ mb: 1 }}>
            {f.path}
            {f.line ? `:${f.line}:${f.column ?? 1}` : ''}: {f.message}
          </Alert>
        ))}
      </Grid>
      <Grid item xs={12} lg={4}>
        <InfoCard title="Runners & dogfood">
          <Stack spacing={1}>
            <div>
              Stage: <StageChip stage={a.stage} />{' '}
              {a.tranche && (
                <>
                  in tranche <b>{a.tranche}</b>
                </>
              )}
            </div>
            <div>
              Runner classes:{' '}
              {a.runnerClasses.length
                ? a.runnerClasses.map(rc => (
                    <Chip
                      key={rc}
                      size="small"
                      label={rc}
                      component="a"
                      clickable
                      href={runnerClassEntityPath(rc)}
                      sx={{ mr: 0.5 }}
                    />
                  ))
                : 'none'}
            </div>
            <div>GitHub-hosted jobs: {a.hostedJobs}</div>
            <div>
              Scorecard: {a.scorecard.counts.pass} pass,{' '}
              {a.scorecard.counts.fail} fail, {a.scorecard.counts.exempt}{' '}
              exempt, {a.scorecard.counts.unknown} unknown
            </div>
            {(a.migrationPullRequests ?? []).length > 0 && (
              <div>
                Migration pull requests:
                <br />
                <MigrationPullRequestLinks pulls={a.migrationPullRequests} />
              </div>
            )}
            {a.blockers.length > 0 && (
              <div>
                Blocked by:{' '}
                {a.blockers.map(b => (
                  <span key={b.issue}>
                    {b.url ? <Link to={b.url}>{b.issue}</Link> : b.issue} (
                    {b.kind}){' '}
                  </span>
                ))}
              </div>
            )}
            <Typography variant="caption" color="text.secondary">
              Scanned {ago(a.scannedAt)} at {a.defaultBranch}@
              {a.headOid.slice(0, 7)}
            </Typography>
          </Stack>
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={8}>
        <Table<AdoptionJob>
          title="Default-branch workflow jobs"
          options={{
            paging: a.jobs.length > 15,
            pageSize: 15,
            padding: 'dense',
            search: a.jobs.length > 15,
            draggable: false,
          }}
          columns={jobColumns}
          data={a.jobs}
          emptyContent={
            <div style={{ padding: 16 }}>
              No workflow jobs on the default branch.
            </div>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <Typography variant="h6">Dogfood scorecard</Typography>
      </Grid>
      {a.scorecard.checks.map(c => (
        <CheckRow key={c.id} check={c} />
      ))}
    </Grid>
  );
}

/** The current entity's repository and its adoption result, refreshed every 30 s. */
function useEntityRepoAdoption() {
  const { entity } = useEntity();
  const api = useApi(gloriousFlywheelApiRef);
  const repo = repoOfEntity(entity);
  const state = usePolling(
    () =>
      repo
        ? api.getRepoAdoption(repo.owner, repo.repo)
        : Promise.resolve(undefined),
    [api, repo?.owner, repo?.repo],
    30000,
  );
  return { repo, state };
}

/** Entity tab for Components: runner classes per job, hosted jobs, scorecard with evidence, tranche. */
export function RepoAdoptionContent() {
  const { repo, state } = useEntityRepoAdoption();
  if (!repo) {
    return (
      <EmptyState
        missing="field"
        title="No GitHub repository"
        description="Add the github.com/project-slug annotation (owner/repo)."
      />
    );
  }
  // the repository's jobs show whether or not it was scanned yet
  const jobs = (
    <Grid container spacing={2} sx={{ mt: 0 }}>
      <Grid item xs={12}>
        <RepoJobs owner={repo.owner} repo={repo.repo} />
      </Grid>
    </Grid>
  );
  // a 404 is no failure: the repository has no result yet, and its jobs still show
  if (
    !state.value &&
    (state.error as { response?: { status?: number } } | undefined)?.response
      ?.status === 404
  ) {
    return (
      <>
        <EmptyState
          missing="data"
          title="Not scanned yet"
          description={`${repo.owner}/${repo.repo} has no adoption result yet: it is scanned on the next run, or it is outside the configured orgs.`}
        />
        {jobs}
      </>
    );
  }
  return (
    <AsyncContent state={state}>
      {value =>
        value ? (
          <>
            <RepoAdoptionView adoption={value.item} />
            {jobs}
          </>
        ) : null
      }
    </AsyncContent>
  );
}

/** Entity card with the summary. */
export function RepoAdoptionCard() {
  const { state } = useEntityRepoAdoption();
  const notScanned = <Typography variant="body2">Not scanned yet.</Typography>;
  return (
    <InfoCard title="Runners & dogfood">
      <AsyncContent state={state} renderError={() => notScanned}>
        {value =>
          value ? (
            <Stack spacing={1}>
              <div>
                <StageChip stage={value.item.stage} />{' '}
                {value.item.tranche && `tranche ${value.item.tranche}`}
              </div>
              <div>
                Runner classes: {value.item.runnerClasses.join(', ') || 'none'}
              </div>
              <div>
                Scorecard: {value.item.scorecard.counts.fail} failing,{' '}
                {value.item.scorecard.counts.pass} passing
              </div>
            </Stack>
          ) : (
            notScanned
          )
        }
      </AsyncContent>
    </InfoCard>
  );
}
