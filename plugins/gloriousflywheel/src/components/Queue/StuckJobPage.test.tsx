import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  ActionsJob,
  JobDiagnosisResponse,
  QueueStats,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { StuckJobPage } from './StuckJobPage';
import { QueueFigures } from './QueueFigures';

const job: ActionsJob = {
  id: 456,
  runId: 123,
  repo: 'tinyland-inc/lab',
  name: 'docker',
  workflowName: 'CI',
  htmlUrl: 'https://github.com/tinyland-inc/lab/actions/runs/123/job/456',
  status: 'queued',
  conclusion: null,
  labels: ['tinyland-docker'],
  runnerName: null,
  runnerGroupName: null,
  createdAt: '2026-12-01T11:58:00Z',
  startedAt: null,
  completedAt: null,
  scaleSet: null,
  runnerClass: 'tinyland-docker',
};
const response: JobDiagnosisResponse = {
  job,
  diagnosis: {
    job,
    queuedSeconds: 300,
    runnerClass: 'tinyland-docker',
    scaleSets: ['honey/arc-runners/tinyland-docker'],
    reasons: [
      {
        kind: 'paused',
        severity: 'block',
        summary: 'paused by oscar',
        evidence: [
          'honey/arc-runners/tinyland-docker paused by oscar at 2026-12-01T11:00:00Z: node drain',
        ],
        fix: 'Ask oscar why, or resume the scale set.',
        scaleSets: ['honey/arc-runners/tinyland-docker'],
        links: [
          {
            title: 'audit log of honey/arc-runners/tinyland-docker',
            url: '/gloriousflywheel/audit?target=honey%2Farc-runners%2Ftinyland-docker',
          },
        ],
      },
    ],
  },
};

function render(api: Partial<GloriousFlywheelApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[[gloriousFlywheelApiRef, api as GloriousFlywheelApi]]}
    >
      <StuckJobPage />
    </TestApiProvider>,
  );
}

describe('StuckJobPage', () => {
  it('diagnoses a pasted job URL and shows who paused, why, and the fix', async () => {
    const diagnoseJob = jest.fn().mockResolvedValue(response);
    await render({ diagnoseJob });
    fireEvent.change(screen.getByTestId('job-url'), {
      target: { value: job.htmlUrl },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnose' }));
    expect(await screen.findByText('paused by oscar')).toBeInTheDocument();
    expect(diagnoseJob).toHaveBeenCalledWith({ url: job.htmlUrl });
    expect(
      screen.getByText(/paused by oscar at 2026-12-01T11:00:00Z: node drain/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: /audit log of honey\/arc-runners\/tinyland-docker/,
      }),
    ).toBeInTheDocument();
  });

  it('refuses what is not a job URL without asking the backend', async () => {
    const diagnoseJob = jest.fn();
    await render({ diagnoseJob });
    fireEvent.change(screen.getByTestId('job-url'), {
      target: { value: 'https://github.com/tinyland-inc/lab/pull/3' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnose' }));
    expect(await screen.findByText(/Paste a job URL/)).toBeInTheDocument();
    expect(diagnoseJob).not.toHaveBeenCalled();
  });

  it('lists a repository’s recent jobs to pick one from', async () => {
    const getRepoJobs = jest
      .fn()
      .mockResolvedValue({ items: [{ job, diagnosis: response.diagnosis }] });
    const diagnoseJob = jest.fn().mockResolvedValue(response);
    await render({ getRepoJobs, diagnoseJob });
    fireEvent.change(screen.getByLabelText('Repository'), {
      target: { value: 'tinyland-inc/lab' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Show jobs' }));
    await waitFor(() =>
      expect(getRepoJobs).toHaveBeenCalledWith('tinyland-inc', 'lab', 50),
    );
    fireEvent.mouseDown(await screen.findByRole('combobox', { name: /Job/ }));
    fireEvent.click(
      await screen.findByRole('option', {
        name: /docker \(queued, tinyland-docker\) #456/,
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Diagnose this job' }));
    await waitFor(() =>
      expect(diagnoseJob).toHaveBeenCalledWith({
        owner: 'tinyland-inc',
        repo: 'lab',
        jobId: 456,
      }),
    );
  });
});

describe('QueueFigures', () => {
  it('shows queued and running jobs and the queue-time percentiles', async () => {
    const stats: QueueStats = {
      queued: 3,
      running: 2,
      p50Seconds1h: 45,
      p95Seconds1h: 200,
      p50Seconds24h: null,
      p95Seconds24h: 7200,
      started24h: 10,
      trend: [
        { hour: '2026-12-01T11:00:00.000Z', p95Seconds: 200, started: 4 },
      ],
    };
    await renderInTestApp(
      <QueueFigures stats={stats} label="runner class tinyland-nix" />,
    );
    expect(screen.getByText('3')).toBeInTheDocument();
    expect(screen.getByText('45 s')).toBeInTheDocument();
    expect(screen.getByText('3 min')).toBeInTheDocument();
    expect(screen.getByText('—')).toBeInTheDocument();
    expect(screen.getByText('2.0 h')).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: /runner class tinyland-nix: hourly p95 queue time over 24 h, highest 3 min/,
      }),
    ).toBeInTheDocument();
  });
});
