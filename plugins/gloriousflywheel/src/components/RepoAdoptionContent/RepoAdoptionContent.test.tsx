import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { NotFoundError } from '@backstage/errors';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { repoAdoption } from '../../__testUtils__/adoptionFixtures';
import { RepoAdoptionContent } from './RepoAdoptionContent';
import { isRepoAdoptionAvailable } from './projectSlug';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'tinyland-dev',
    annotations: { 'github.com/project-slug': 'tinyland-inc/tinyland.dev' },
  },
  spec: { type: 'service', owner: 'developers', lifecycle: 'production' },
};

const noJobs: GloriousFlywheelApi['getRepoJobs'] = async () => ({ items: [] });

function render(
  getRepoAdoption: GloriousFlywheelApi['getRepoAdoption'],
  getRepoJobs = noJobs,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          gloriousFlywheelApiRef,
          {
            getRepoAdoption,
            getRepoJobs,
          } as Partial<GloriousFlywheelApi> as GloriousFlywheelApi,
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <RepoAdoptionContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('RepoAdoptionContent', () => {
  it("lists the repository's recent jobs with the diagnosis of a queued one", async () => {
    const job = {
      id: 501,
      runId: 77,
      repo: 'tinyland-inc/tinyland.dev',
      name: 'build',
      workflowName: 'CI',
      htmlUrl:
        'https://github.com/tinyland-inc/tinyland.dev/actions/runs/77/job/501',
      status: 'queued' as const,
      conclusion: null,
      labels: ['tinyland-nixx'],
      runnerName: null,
      runnerGroupName: null,
      createdAt: new Date(Date.now() - 120_000).toISOString(),
      startedAt: null,
      completedAt: null,
      scaleSet: null,
      runnerClass: null,
    };
    const getRepoJobs = jest.fn().mockResolvedValue({
      items: [
        {
          job,
          diagnosis: {
            job,
            queuedSeconds: 120,
            runnerClass: null,
            scaleSets: [],
            reasons: [
              {
                kind: 'no-match',
                severity: 'block',
                summary: 'no runner class matches; did you mean tinyland-nix?',
                evidence: ['runs-on: tinyland-nixx'],
                fix: 'Change runs-on to tinyland-nix.',
                scaleSets: [],
                links: [],
              },
            ],
          },
        },
      ],
    });
    await render(async () => ({ item: repoAdoption() }), getRepoJobs);
    expect(getRepoJobs).toHaveBeenCalledWith('tinyland-inc', 'tinyland.dev');
    expect(
      await screen.findByText(
        'no runner class matches; did you mean tinyland-nix?',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /^CI \/ build/ })).toHaveAttribute(
      'href',
      job.htmlUrl,
    );
    expect(screen.getByText('2 min so far')).toBeInTheDocument();
  });

  it('shows runner classes per job with links to the lines, and the expired hosted exception', async () => {
    const get = jest.fn().mockResolvedValue({ item: repoAdoption() });
    await render(get);
    expect(get).toHaveBeenCalledWith('tinyland-inc', 'tinyland.dev');
    const job = await screen.findByRole('link', {
      name: /^\.github\/workflows\/ci\.yml:9 build/,
    });
    expect(job).toHaveAttribute(
      'href',
      'https://github.com/tinyland-inc/tinyland.dev/blob/main/.github/workflows/ci.yml#L9',
    );
    expect(
      screen.getByText(/expired: until 2026-01-31: billing check/),
    ).toBeInTheDocument();
    expect(screen.getByText('blocked')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^tinyland-inc\/tinyland\.dev#136/ }),
    ).toBeInTheDocument();
  });

  it("shows the candidates of an undecided runner, a called workflow's labels and the blocks a job runs through", async () => {
    const base = repoAdoption();
    const job = base.jobs[0];
    const jobs = [
      {
        ...job,
        jobId: 'toggle',
        labels: [],
        runnerClass: null,
        dynamic: true,
        candidates: ['ubuntu-latest', 'tinyland-nix'],
      },
      {
        ...job,
        jobId: 'call',
        labels: [],
        runnerClass: null,
        reusable: true,
        calledLabels: ['tinyland-nix'],
        via: ['./.github/workflows/build.yml', './.github/actions/setup'],
      },
    ];
    await render(async () => ({ item: { ...base, jobs } }));
    expect(
      await screen.findByText('ubuntu-latest | tinyland-nix'),
    ).toBeInTheDocument();
    expect(screen.getByText(/: tinyland-nix$/)).toBeInTheDocument();
    expect(
      screen.getByText(
        'via ./.github/workflows/build.yml → ./.github/actions/setup',
      ),
    ).toBeInTheDocument();
  });

  it('lists migration pull requests, open first, each linking to the pull request', async () => {
    await render(async () => ({ item: repoAdoption() }));
    const open = await screen.findByRole('link', {
      name: /^open migration pull request #137/,
    });
    expect(open).toHaveAttribute(
      'href',
      'https://github.com/tinyland-inc/tinyland.dev/pull/137',
    );
    expect(
      screen.getByRole('link', { name: /^merged migration pull request #120/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/tinyland-inc/tinyland.dev/pull/120',
    );
    expect(
      screen.getByText(
        /Run the Playwright e2e job on tinyland-docker \(draft\)/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Lint on tinyland-docker \(merged 2026-04-03\)/),
    ).toBeInTheDocument();
    const order = screen
      .getAllByTestId(/^migration-pr-/)
      .map(e => e.getAttribute('data-testid'));
    expect(order).toEqual(['migration-pr-137', 'migration-pr-120']);
  });

  it('leaves migration pull requests out when there are none', async () => {
    await render(async () => ({
      item: repoAdoption({ migrationPullRequests: [] }),
    }));
    await screen.findByRole('link', {
      name: /^\.github\/workflows\/ci\.yml:9 build/,
    });
    expect(
      screen.queryByText(/Migration pull requests/),
    ).not.toBeInTheDocument();
  });

  it('shows each check with its verdict, evidence and how to fix; unknown stays unknown', async () => {
    await render(async () => ({ item: repoAdoption() }));
    const stale = await screen.findByTestId('check-stale-cache-endpoints');
    expect(
      within(stale).getByRole('link', { name: /^\.bazelrc:3/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/tinyland-inc/tinyland.dev/blob/main/.bazelrc#L3',
    );
    expect(
      within(stale).getByText(/attic-cache-dev\.svc\.cluster\.local/),
    ).toBeInTheDocument();
    expect(
      within(stale).getByText(/Point BAZEL_REMOTE_CACHE/),
    ).toBeInTheDocument();
    expect(screen.getAllByText('unknown').length).toBeGreaterThan(0);
  });

  it('shows parse errors with line and column, and a stale marker', async () => {
    await render(async () => ({
      item: repoAdoption({
        stale: true,
        error: { message: 'GitHub answered 403', status: 403 },
        fileErrors: [
          {
            path: '.github/workflows/broken.yml',
            message: 'Nested mappings are not allowed',
            line: 7,
            column: 12,
          },
        ],
      }),
    }));
    expect(
      await screen.findByText(/broken\.yml:7:12: Nested mappings/),
    ).toBeInTheDocument();
    expect(screen.getByText(/This result may be outdated/)).toBeInTheDocument();
  });

  it('says the repository is not scanned yet on 404', async () => {
    const error = Object.assign(new NotFoundError('not found'), {
      response: { status: 404 },
    });
    await render(async () => {
      throw error;
    });
    expect(await screen.findByText('Not scanned yet')).toBeInTheDocument();
  });

  it('applies only to Components with a GitHub project slug', () => {
    expect(isRepoAdoptionAvailable(entity)).toBe(true);
    expect(isRepoAdoptionAvailable({ ...entity, kind: 'Resource' })).toBe(
      false,
    );
    expect(
      isRepoAdoptionAvailable({ ...entity, metadata: { name: 'x' } }),
    ).toBe(false);
  });
});
