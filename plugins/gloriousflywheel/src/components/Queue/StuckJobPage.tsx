import { FormEvent, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '@backstage/core-plugin-api';
import {
  ContentHeader,
  InfoCard,
  Link,
  SupportButton,
} from '@backstage/core-components';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  JobDiagnosisResponse,
  RepoJobList,
  parseJobUrl,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { PluginPage } from '../PluginPage';
import { AsyncContent } from '../AsyncContent';
import { DiagnosisView } from './DiagnosisView';
import { formatSeconds } from './QueueFigures';

const REPO = /^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/;

function Result({ value }: { value: JobDiagnosisResponse }) {
  const { job, diagnosis } = value;
  return (
    <InfoCard
      title={`${job.repo}: ${job.workflowName ? `${job.workflowName} / ` : ''}${
        job.name
      }`}
    >
      <Stack spacing={1.5}>
        <Typography variant="body2">
          {job.htmlUrl ? (
            <Link to={job.htmlUrl}>Job {job.id}</Link>
          ) : (
            `Job ${job.id}`
          )}{' '}
          · {job.status.replace('_', ' ')} · runs-on{' '}
          {job.labels.join(', ') || '(none)'} · queued{' '}
          {formatSeconds(diagnosis.queuedSeconds)}
          {diagnosis.runnerClass && ` · runner class ${diagnosis.runnerClass}`}
          {job.scaleSet && ` · taken by ${job.scaleSet}`}
        </Typography>
        <DiagnosisView diagnosis={diagnosis} />
      </Stack>
    </InfoCard>
  );
}

/** "Why is my job stuck?": a job URL (or a repository and one of its recent jobs) → the diagnosis. */
export function StuckJobPage() {
  const api = useApi(gloriousFlywheelApiRef);
  const [params, setParams] = useSearchParams();
  const [url, setUrl] = useState(params.get('url') ?? '');
  const [repo, setRepo] = useState('');
  const [jobId, setJobId] = useState('');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [diagnosis, diagnose] = useAsyncFn(
    (job: Parameters<typeof api.diagnoseJob>[0]) => api.diagnoseJob(job),
    [api],
  );
  const [jobs, loadJobs] = useAsyncFn(
    async (r: string): Promise<RepoJobList> => {
      const [owner, name] = r.split('/');
      return api.getRepoJobs(owner, name, 50);
    },
    [api],
  );

  // a link with ?url= (e.g. from a repository's jobs) diagnoses at once
  useEffect(() => {
    const linked = params.get('url');
    if (linked && parseJobUrl(linked)) diagnose({ url: linked });
    // only on arrival
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submitUrl = (e: FormEvent) => {
    e.preventDefault();
    if (!parseJobUrl(url)) {
      setUrlError(
        'Paste a job URL: https://github.com/<owner>/<repo>/actions/runs/<run>/job/<job>',
      );
      return;
    }
    setUrlError(null);
    setParams({ url: url.trim() }, { replace: true });
    diagnose({ url: url.trim() });
  };

  const submitRepo = (e: FormEvent) => {
    e.preventDefault();
    if (!REPO.test(repo.trim())) return;
    const [owner, name] = repo.trim().split('/');
    if (jobId) diagnose({ owner, repo: name, jobId: Number(jobId) });
    else loadJobs(repo.trim());
  };

  return (
    <PluginPage
      title="Why is my job stuck?"
      subtitle="Why a GitHub Actions job waits for a self-hosted runner, and what to do"
    >
      <ContentHeader title="Diagnose a job">
        <SupportButton>
          The portal keeps the jobs GitHub reports (workflow_job webhooks, and
          the jobs API for deliveries that were missed) and checks them against
          the runner classes, scale sets, listeners and caches it watches.
        </SupportButton>
      </ContentHeader>
      <Stack spacing={2}>
        <InfoCard title="By job URL">
          <Stack
            component="form"
            direction="row"
            spacing={1}
            onSubmit={submitUrl}
            noValidate
            alignItems="flex-start"
          >
            <TextField
              label="Job URL"
              value={url}
              onChange={e => setUrl(e.target.value)}
              placeholder="https://github.com/tinyland-inc/lab/actions/runs/123/job/456"
              error={!!urlError}
              helperText={urlError ?? 'The URL of the job page on GitHub'}
              fullWidth
              size="small"
              inputProps={{ 'data-testid': 'job-url' }}
            />
            <Button type="submit" variant="contained">
              Diagnose
            </Button>
          </Stack>
        </InfoCard>
        <InfoCard title="By repository and job">
          <Stack component="form" spacing={2} onSubmit={submitRepo} noValidate>
            <Stack direction="row" spacing={1} alignItems="flex-start">
              <TextField
                label="Repository"
                value={repo}
                onChange={e => {
                  setRepo(e.target.value);
                  setJobId('');
                }}
                placeholder="owner/name"
                error={repo !== '' && !REPO.test(repo.trim())}
                helperText={
                  repo !== '' && !REPO.test(repo.trim())
                    ? 'owner/name'
                    : 'e.g. tinyland-inc/lab'
                }
                size="small"
              />
              <Button type="submit" variant="outlined">
                {jobId ? 'Diagnose this job' : 'Show jobs'}
              </Button>
            </Stack>
            {/* nothing before the first "Show jobs" */}
            <AsyncContent
              state={jobs}
              loadingLabel="Loading jobs"
              errorTitle="Jobs could not be loaded"
              isEmpty={v => v !== undefined && !v.items.length}
              empty={{
                compact: true,
                title: 'No jobs recorded for this repository',
              }}
            >
              {value =>
                value && (
                  <TextField
                    select
                    label="Job"
                    value={jobId}
                    onChange={e => setJobId(e.target.value)}
                    size="small"
                    sx={{ minWidth: 320 }}
                    helperText="Recent jobs, newest first"
                  >
                    {value.items.map(({ job }) => (
                      <MenuItem key={job.id} value={String(job.id)}>
                        {job.name} ({job.status.replace('_', ' ')},{' '}
                        {job.labels.join(', ')}) #{job.id}
                      </MenuItem>
                    ))}
                  </TextField>
                )
              }
            </AsyncContent>
          </Stack>
        </InfoCard>
        {/* a new diagnosis replaces the last one: while it loads, the last one is not shown */}
        <AsyncContent
          state={diagnosis.loading ? { loading: true } : diagnosis}
          errorTitle="No diagnosis"
        >
          {value => value && <Result value={value} />}
        </AsyncContent>
      </Stack>
    </PluginPage>
  );
}
