import { useApi } from '@backstage/core-plugin-api';
import { Link, Table, TableColumn } from '@backstage/core-components';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import {
  DiagnosedJob,
  queueSeconds,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { chipTextSx } from '../chipContrast';
import { DiagnosisView } from './DiagnosisView';
import { formatSeconds } from './QueueFigures';
import { AsyncContent } from '../AsyncContent';

// primary, not MUI's info blue, and dark text on warning: both pass axe's contrast rule
const STATUS_COLOR = {
  queued: 'warning',
  waiting: 'warning',
  in_progress: 'primary',
  completed: 'default',
} as const;

const columns: TableColumn<DiagnosedJob>[] = [
  {
    title: 'Job',
    field: 'job.name',
    render: ({ job }) =>
      job.htmlUrl ? (
        <Link to={job.htmlUrl}>
          {job.workflowName ? `${job.workflowName} / ${job.name}` : job.name}
        </Link>
      ) : (
        job.name
      ),
  },
  {
    title: 'Status',
    field: 'job.status',
    render: ({ job }) => (
      <Chip
        size="small"
        color={STATUS_COLOR[job.status]}
        sx={chipTextSx(STATUS_COLOR[job.status])}
        label={job.conclusion ?? job.status.replace('_', ' ')}
      />
    ),
  },
  {
    title: 'Runs on',
    field: 'job.labels',
    render: ({ job }) => job.labels.join(', '),
  },
  {
    title: 'Queue time',
    render: ({ job }) =>
      formatSeconds(queueSeconds(job, new Date())) +
      (job.startedAt ? '' : ' so far'),
  },
  {
    title: 'Scale set',
    field: 'job.scaleSet',
    render: ({ job }) => job.scaleSet ?? '—',
  },
  {
    title: 'Why it waits',
    render: ({ diagnosis }) =>
      diagnosis ? <DiagnosisView diagnosis={diagnosis} dense /> : null,
  },
];

/** A repository's recent GitHub Actions jobs, with the diagnosis of each that still waits. */
export function RepoJobs({ owner, repo }: { owner: string; repo: string }) {
  const api = useApi(gloriousFlywheelApiRef);
  const jobs = usePolling(
    () => api.getRepoJobs(owner, repo),
    [api, owner, repo],
    15000,
  );
  return (
    <AsyncContent state={jobs} errorTitle="Recent jobs could not be loaded">
      {({ items }) => (
        <Table<DiagnosedJob>
          title="Recent jobs"
          subtitle={`${owner}/${repo}: queued, running and completed jobs from GitHub's workflow_job events`}
          options={{
            paging: items.length > 10,
            pageSize: 10,
            padding: 'dense',
            search: false,
            draggable: false,
          }}
          columns={columns}
          data={items}
          emptyContent={
            <Typography variant="body2" sx={{ p: 2 }}>
              No jobs recorded for this repository yet (the portal keeps jobs
              from GitHub's workflow_job webhooks).
            </Typography>
          }
        />
      )}
    </AsyncContent>
  );
}
