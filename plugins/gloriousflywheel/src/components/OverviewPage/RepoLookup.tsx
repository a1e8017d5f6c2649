import { useState } from 'react';
import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { InfoCard, Link } from '@backstage/core-components';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  AdoptionJob,
  AdoptionJobException,
  PROJECT_SLUG_ANNOTATION,
  RepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { runnerClassEntityPath } from '../entityRefs';
import { RelativeTime } from '../RelativeTime';
import {
  exceptionProblem,
  HostedChip,
  StageChip,
  VerdictChip,
} from '../VerdictChip';
import { Truncated } from '../Truncated';
import { PAGE_PATHS } from './paths';
import { RepoJobs } from '../Queue';
import { AsyncError } from '../AsyncContent';

const SUGGESTIONS = 8;
const slug = (r: RepoAdoption) => `${r.owner}/${r.name}`;

/** What a job runs on when it names neither a runner class nor a hosted image. */
function otherRunner(j: AdoptionJob): string {
  if (j.reusable) return 'reusable workflow (its jobs decide)';
  if (j.dynamic) return 'decided at run time';
  return j.labels.join(', ') || '—';
}

function exceptionNote(e: AdoptionJobException | null): string {
  if (!e) return '';
  const problem = exceptionProblem(e);
  return problem ? ` (exception: ${problem})` : ' (exception)';
}

/** The catalog page's Runners & dogfood tab of the Component for this repository, if there is one. */
function useRepoTab(repo: RepoAdoption | null): string | undefined {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value } = useAsync(async () => {
    if (!repo || !catalogApi) return undefined;
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'Component',
        [`metadata.annotations.${PROJECT_SLUG_ANNOTATION}`]: slug(repo),
      },
      fields: ['metadata.name', 'metadata.namespace'],
    });
    const e = items[0];
    return e
      ? `/catalog/${e.metadata.namespace ?? 'default'}/component/${
          e.metadata.name
        }/runners`
      : undefined;
  }, [repo, catalogApi]);
  return value;
}

function RepoResult({ repo }: { repo: RepoAdoption }) {
  const tab = useRepoTab(repo);
  return (
    <Stack spacing={1.5} data-testid="lookup-result">
      <Stack
        direction="row"
        spacing={1}
        alignItems="center"
        useFlexGap
        sx={{ flexWrap: 'wrap', rowGap: 1 }}
      >
        <Typography variant="h6" component="h3">
          <Link to={repo.url}>{slug(repo)}</Link>
        </Typography>
        <span>scorecard</span>
        <VerdictChip verdict={repo.scorecard.verdict} />
        <StageChip stage={repo.stage} />
        <Typography variant="body2">
          tranche: {repo.tranche ?? 'none'}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          <RelativeTime iso={repo.scannedAt} prefix="scanned" />
        </Typography>
      </Stack>
      {repo.stale && (
        <Alert severity="warning">
          The last scan of this repository failed or is over a day old: what
          follows may be outdated.
        </Alert>
      )}
      {repo.error && (
        <Alert severity="error">
          The last scan failed: {repo.error.message}
        </Alert>
      )}
      {repo.jobs.length ? (
        <Table size="small" aria-label={`Jobs of ${slug(repo)}`}>
          <TableHead>
            <TableRow>
              <TableCell>Workflow</TableCell>
              <TableCell>Job</TableCell>
              <TableCell>Runs on</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {repo.jobs.map(j => (
              <TableRow key={`${j.path}#${j.jobId}`}>
                <TableCell>
                  <Link to={j.url}>
                    <Truncated text={j.path} maxWidth={280} />
                  </Link>
                </TableCell>
                <TableCell>{j.jobId}</TableCell>
                <TableCell>
                  {j.runnerClass && (
                    <Link to={runnerClassEntityPath(j.runnerClass)}>
                      {j.runnerClass}
                    </Link>
                  )}
                  {j.hosted && (
                    <>
                      <HostedChip exception={j.exception} />
                      {exceptionNote(j.exception)}
                    </>
                  )}
                  {!j.runnerClass && !j.hosted && <span>{otherRunner(j)}</span>}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2">
          No default-branch workflow jobs found.
        </Typography>
      )}
      <RepoJobs owner={repo.owner} repo={repo.name} />
      <Typography variant="body2">
        {tab ? (
          <Link to={tab}>Open the Runners &amp; dogfood tab</Link>
        ) : (
          <>
            Not in the catalog: see it on the{' '}
            <Link to={PAGE_PATHS.tranches}>Tranches page</Link>.
          </>
        )}
      </Typography>
    </Stack>
  );
}

/** Type a repository's name: its runner classes per job, scorecard verdict, stage and tranche. */
export function RepoLookup() {
  const api = useApi(gloriousFlywheelApiRef);
  const [input, setInput] = useState('');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<RepoAdoption | null>(null);
  useDebounce(() => setQuery(input.trim()), 250, [input]);
  const options = useAsyncRetry(
    async () =>
      await api.getAdoptionRepos({
        q: query || undefined,
        limit: SUGGESTIONS,
        sort: 'name',
      }),
    [api, query],
  );
  const total = options.value?.total;
  return (
    <InfoCard
      title="Repository lookup"
      subheader="Which runners a repository's jobs use, and how far its migration is"
    >
      <Stack spacing={2} data-testid="overview-lookup">
        <Autocomplete<RepoAdoption>
          options={options.value?.items ?? []}
          loading={options.loading}
          value={selected}
          onChange={(_e, v) => setSelected(v)}
          inputValue={input}
          onInputChange={(_e, v) => setInput(v)}
          getOptionLabel={slug}
          isOptionEqualToValue={(a, b) => slug(a) === slug(b)}
          filterOptions={o => o}
          noOptionsText={
            query
              ? `No scanned repository matches "${query}"`
              : 'No repositories scanned yet'
          }
          renderOption={(props, r) => (
            <li {...props} key={slug(r)}>
              <Stack direction="row" spacing={1} alignItems="center">
                <span>{slug(r)}</span>
                <VerdictChip verdict={r.scorecard.verdict} />
              </Stack>
            </li>
          )}
          renderInput={params => (
            <TextField
              {...params}
              label="Repository"
              placeholder="owner/name"
              helperText={
                total !== undefined && total > SUGGESTIONS
                  ? `${SUGGESTIONS} of ${total} matches shown: type more of the name`
                  : undefined
              }
            />
          )}
        />
        {/* beside the picker, not instead of it: a different name is the other way to retry */}
        {options.error && (
          <AsyncError
            error={options.error}
            title="Repositories could not be looked up"
            retry={options.retry}
            retrying={options.loading}
          />
        )}
        {selected && <RepoResult repo={selected} />}
      </Stack>
    </InfoCard>
  );
}
