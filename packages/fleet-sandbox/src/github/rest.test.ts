// The scanner's own clients, hoisted in the workspace; not yet in this package's devDependencies
// (package.json is frozen for this change), hence the lint exception.
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { createFleetSeed } from '../seed/fleetSeed';
import { GitHubSandbox, startGitHubSandbox } from '.';
import { assertValid, githubRestValidator } from '../testing/githubOpenApi';

// The scanner talks to GitHub through @octokit/rest; these tests use it unchanged against the sandbox.

const seed = createFleetSeed({ longTailRepos: 250 });
let gh: GitHubSandbox;
let octokit: Octokit;
// expected 4xx answers would otherwise be logged by Octokit's request log
const log = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    rateLimit: { limit: 5000, windowMs: 1000 },
  });
  octokit = new Octokit({ baseUrl: gh.url, auth: gh.token, log });
});

afterAll(() => gh.close());

beforeEach(() => {
  gh.rateLimit.reset();
  gh.rateLimit.configure({ limit: 5000, windowMs: 1000, secondary: null });
  gh.resetRequestCounts();
});

describe('GitHub sandbox REST', () => {
  it("lists pull requests with GitHub's filters, in GitHub's documented shape", async () => {
    const valid = githubRestValidator('/repos/{owner}/{repo}/pulls');
    const list = async (params: Record<string, string>) => {
      const res = await octokit.pulls.list({
        owner: 'tinyland-inc',
        repo: 'lab',
        ...params,
      });
      assertValid(valid, res.data, 'GET /repos/{owner}/{repo}/pulls');
      return res.data.map(p => p.number);
    };
    expect(await list({})).toEqual([]); // open by default; lab's are merged
    expect(await list({ state: 'closed' })).toEqual([73, 72]);
    expect(await list({ state: 'all', direction: 'asc' })).toEqual([72, 73]);
    expect(
      await list({
        state: 'all',
        head: 'tinyland-inc:gloriousflywheel/tinyland-nix',
      }),
    ).toEqual([72]);
    expect(
      await list({
        state: 'all',
        head: 'someone-else:gloriousflywheel/tinyland-nix',
      }),
    ).toEqual([]);
    expect(await list({ state: 'all', base: 'release' })).toEqual([]);
    const [merged] = (
      await octokit.pulls.list({
        owner: 'tinyland-inc',
        repo: 'lab',
        state: 'closed',
        head: 'tinyland-inc:gloriousflywheel/tinyland-nix',
      })
    ).data;
    expect(merged).toMatchObject({
      number: 72,
      state: 'closed',
      merged_at: '2026-04-14T16:20:00Z',
      html_url: 'https://github.com/tinyland-inc/lab/pull/72',
      labels: [expect.objectContaining({ name: 'gloriousflywheel-migration' })],
      head: {
        ref: 'gloriousflywheel/tinyland-nix',
        repo: expect.objectContaining({ full_name: 'tinyland-inc/lab' }),
      },
      base: { ref: 'main' },
    });
    const open = await octokit.pulls.list({
      owner: 'tinyland-inc',
      repo: 'tinyland.dev',
    });
    expect(open.data.map(p => [p.number, p.draft, p.merged_at])).toEqual([
      [137, true, null],
    ]);
    await expect(
      octokit.pulls.list({ owner: 'tinyland-inc', repo: 'nope' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('lists org repositories page by page with Link headers', async () => {
    const first = await octokit.repos.listForOrg({
      org: 'tinyland-inc',
      per_page: 100,
    });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toMatch(/rel="next"/);
    expect(first.headers.link).toContain(`${gh.url}/orgs/tinyland-inc/repos?`);
    const all = await octokit.paginate(octokit.repos.listForOrg, {
      org: 'tinyland-inc',
      per_page: 100,
    });
    expect(all).toHaveLength(seed.repos.length);
    expect(new Set(all.map(r => r.full_name)).size).toBe(seed.repos.length);
    expect(all.filter(r => r.fork).length).toBe(
      seed.repos.filter(r => r.isFork).length,
    );
    expect(all.filter(r => r.archived).length).toBe(
      seed.repos.filter(r => r.isArchived).length,
    );
    // 1 + ceil(267/100) list requests
    expect(gh.requestCounts['rest:list-repos']).toBe(
      1 + Math.ceil(seed.repos.length / 100),
    );
  });

  it('answers a matching If-None-Match with 304, no body and no quota', async () => {
    const res = await octokit.repos.get({ owner: 'tinyland-inc', repo: 'lab' });
    expect(res.data.default_branch).toBe('main');
    expect(res.data.pushed_at).toMatch(/Z$/);
    const etag = res.headers.etag!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/); // strong
    const remaining = Number(res.headers['x-ratelimit-remaining']);
    const err = await octokit.repos
      .get({
        owner: 'tinyland-inc',
        repo: 'lab',
        headers: { 'if-none-match': etag },
      })
      .catch(e => e);
    expect(err.status).toBe(304);
    expect(err.response.data).toBeFalsy();
    expect(Number(err.response.headers['x-ratelimit-remaining'])).toBe(
      remaining,
    );
    expect(gh.requestCounts['rest:304']).toBe(1);

    // a content change gives a new ETag: the conditional request is answered in full again
    gh.putFile('tinyland-inc', 'lab', 'README.md', '# lab\n\nnew text\n');
    const fresh = await octokit.repos.get({
      owner: 'tinyland-inc',
      repo: 'lab',
      headers: { 'if-none-match': etag },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.etag).not.toBe(etag);
    expect(Date.parse(fresh.data.pushed_at!)).toBeGreaterThan(
      Date.parse(res.data.pushed_at!),
    );
  });

  it('serves contents (file and directory), trees and the README', async () => {
    const file = await octokit.repos.getContent({
      owner: 'tinyland-inc',
      repo: 'GloriousFlywheel',
      path: '.github/gloriousflywheel-exceptions.yaml',
    });
    const f = file.data as {
      type: string;
      encoding: string;
      content: string;
      sha: string;
    };
    expect(f.type).toBe('file');
    expect(f.encoding).toBe('base64');
    expect(Buffer.from(f.content, 'base64').toString()).toContain(
      'job: gitleaks',
    );
    expect(f.sha).toMatch(/^[0-9a-f]{40}$/);

    const dir = await octokit.repos.getContent({
      owner: 'tinyland-inc',
      repo: 'XoxdWM',
      path: '.github/workflows',
    });
    expect((dir.data as { name: string }[]).map(e => e.name).sort()).toEqual([
      'ci.yml',
      'docs.yml',
      'flakehub.yml',
    ]);

    const repo = gh.getRepo('tinyland-inc', 'XoxdWM')!;
    const tree = await octokit.git.getTree({
      owner: 'tinyland-inc',
      repo: 'XoxdWM',
      tree_sha: repo.headOid,
      recursive: '1',
    });
    expect(tree.data.sha).toBe(repo.treeOid);
    expect(tree.data.truncated).toBe(false);
    expect(
      tree.data.tree
        .filter(e => e.type === 'blob')
        .map(e => e.path)
        .sort(),
    ).toEqual(repo.files);
    expect(
      tree.data.tree.find(e => e.path === 'scripts/bazel-cache-backed.sh')
        ?.mode,
    ).toBe('100755');

    const readme = await octokit.repos.getReadme({
      owner: 'tinyland-inc',
      repo: 'GloriousFlywheel',
    });
    expect(Buffer.from(readme.data.content, 'base64').toString()).toContain(
      '--remote_executor',
    );
  });

  it('returns GitHub 404 bodies', async () => {
    const err = await octokit.repos
      .getContent({
        owner: 'tinyland-inc',
        repo: 'lab',
        path: '.github/nope.yaml',
      })
      .catch(e => e);
    expect(err.status).toBe(404);
    expect(err.response.data).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.stringMatching(
        /^https:\/\/docs\.github\.com\//,
      ),
    });
    expect(
      (
        await octokit.repos
          .get({ owner: 'tinyland-inc', repo: 'nope' })
          .catch(e => e)
      ).status,
    ).toBe(404);
    expect(gh.requestCounts['rest:404']).toBe(2);
  });

  it('lists workflows and their latest runs with conclusion and html_url', async () => {
    const wf = await octokit.actions.listRepoWorkflows({
      owner: 'tinyland-inc',
      repo: 'GloriousFlywheel',
    });
    const names = wf.data.workflows.map(w => w.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Platform Proof',
        'Source Bazel Proof',
        'Validate',
      ]),
    );
    const runs = await octokit.actions.listWorkflowRuns({
      owner: 'tinyland-inc',
      repo: 'GloriousFlywheel',
      workflow_id: 'platform-proof.yml',
      branch: 'main',
      per_page: 1,
    });
    expect(runs.data.total_count).toBe(2);
    expect(runs.data.workflow_runs[0]).toMatchObject({
      conclusion: 'success',
      status: 'completed',
      head_branch: 'main',
      html_url: expect.stringMatching(
        /^https:\/\/github\.com\/tinyland-inc\/GloriousFlywheel\/actions\/runs\/\d+$/,
      ),
    });
    const blahaj = await octokit.actions.listWorkflowRuns({
      owner: 'tinyland-inc',
      repo: 'blahaj',
      workflow_id: 'ci.yml',
      per_page: 1,
    });
    // red before blahaj#68, green since: the latest run comes first
    expect(blahaj.data.workflow_runs[0].conclusion).toBe('success');
    expect(blahaj.data.total_count).toBe(2);

    // the admin API records a new run; by numeric workflow id too
    const id = wf.data.workflows.find(w => w.path.endsWith('validate.yml'))!.id;
    gh.setWorkflowRunConclusion(
      'tinyland-inc',
      'GloriousFlywheel',
      'validate.yml',
      'failure',
    );
    const latest = await octokit.actions.listWorkflowRuns({
      owner: 'tinyland-inc',
      repo: 'GloriousFlywheel',
      workflow_id: id,
      per_page: 1,
    });
    expect(latest.data.workflow_runs[0].conclusion).toBe('failure');
    expect(latest.data.workflow_runs[0].head_sha).toBe(
      gh.getRepo('tinyland-inc', 'GloriousFlywheel')!.headOid,
    );
  });

  it('answers 401 Bad credentials for a wrong token and Requires authentication for none', async () => {
    const bad = new Octokit({ baseUrl: gh.url, auth: 'ghp_wrong', log });
    const err = await bad.repos
      .get({ owner: 'tinyland-inc', repo: 'lab' })
      .catch(e => e);
    expect(err.status).toBe(401);
    expect(err.response.data.message).toBe('Bad credentials');
    const anon = new Octokit({ baseUrl: gh.url, log });
    expect(
      (
        await anon.repos
          .get({ owner: 'tinyland-inc', repo: 'lab' })
          .catch(e => e)
      ).status,
    ).toBe(401);
    const bearer = await fetch(`${gh.url}/repos/tinyland-inc/lab`, {
      headers: { authorization: `Bearer ${gh.token}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('enforces the primary rate limit with x-ratelimit-* headers and resets after the window', async () => {
    gh.rateLimit.configure({ limit: 3, windowMs: 1000 });
    const ok = await octokit.repos.get({ owner: 'tinyland-inc', repo: 'lab' });
    expect(ok.headers['x-ratelimit-limit']).toBe('3');
    expect(ok.headers['x-ratelimit-remaining']).toBe('2');
    expect(ok.headers['x-ratelimit-used']).toBe('1');
    expect(ok.headers['x-ratelimit-resource']).toBe('core');
    await octokit.repos.get({ owner: 'tinyland-inc', repo: 'blahaj' });
    await octokit.repos.get({ owner: 'tinyland-inc', repo: 'XoxdWM' });
    const err = await octokit.repos
      .get({ owner: 'tinyland-inc', repo: 'lab' })
      .catch(e => e);
    expect(err.status).toBe(403);
    expect(err.response.headers['x-ratelimit-remaining']).toBe('0');
    expect(err.response.data.message).toMatch(
      /^API rate limit exceeded for user ID 1\./,
    );
    const reset = Number(err.response.headers['x-ratelimit-reset']);
    expect(reset * 1000 - Date.now()).toBeLessThanOrEqual(2000);
    // a 304 still answers while exhausted: it costs nothing
    const conditional = await octokit.repos
      .get({
        owner: 'tinyland-inc',
        repo: 'lab',
        headers: { 'if-none-match': ok.headers.etag },
      })
      .catch(e => e);
    expect(conditional.status).toBe(304);
    // GET /rate_limit is free and reports the same bucket
    const rl = await octokit.rateLimit.get();
    expect(rl.data.resources.core).toMatchObject({
      limit: 3,
      remaining: 0,
      used: 3,
      reset,
    });
    await new Promise(r =>
      setTimeout(r, Math.max(0, reset * 1000 - Date.now()) + 50),
    );
    const again = await octokit.repos.get({
      owner: 'tinyland-inc',
      repo: 'lab',
    });
    expect(again.headers['x-ratelimit-remaining']).toBe('2');
    expect(gh.requestCounts['rate-limited']).toBe(1);
  });

  it('trips a configured secondary limit with retry-after', async () => {
    gh.rateLimit.configure({
      secondary: {
        maxRequests: 2,
        windowMs: 1000,
        retryAfterSeconds: 1,
        status: 429,
      },
    });
    await octokit.repos.get({ owner: 'tinyland-inc', repo: 'lab' });
    await octokit.repos.get({ owner: 'tinyland-inc', repo: 'lab' });
    const err = await octokit.repos
      .get({ owner: 'tinyland-inc', repo: 'lab' })
      .catch(e => e);
    expect(err.status).toBe(429);
    expect(err.response.headers['retry-after']).toBe('1');
    expect(err.response.data.message).toMatch(/secondary rate limit/);
    expect(gh.requestCounts['secondary-limited']).toBe(1);
    await new Promise(r => setTimeout(r, 1050));
    expect(
      (await octokit.repos.get({ owner: 'tinyland-inc', repo: 'lab' })).status,
    ).toBe(200);

    gh.rateLimit.configure({ secondary: null });
    gh.rateLimit.triggerSecondary(1, 300);
    const forced = await octokit.repos
      .get({ owner: 'tinyland-inc', repo: 'lab' })
      .catch(e => e);
    expect(forced.status).toBe(403);
    expect(forced.response.headers['retry-after']).toBe('1');
  });

  it('counts requests by kind over HTTP and resets them', async () => {
    await octokit.repos.listForOrg({ org: 'tinyland-inc', per_page: 5 });
    await octokit.repos.getContent({
      owner: 'tinyland-inc',
      repo: 'lab',
      path: 'README.md',
    });
    const counts = await (
      await fetch(`${gh.url}/_sandbox/github/requests`)
    ).json();
    expect(counts).toMatchObject({
      'rest:list-repos': 1,
      'rest:contents': 1,
      total: 2,
    });
    await fetch(`${gh.url}/_sandbox/github/requests`, { method: 'DELETE' });
    expect(gh.requestCounts.total).toBe(0);
  });

  it('applies content changes over the HTTP admin API', async () => {
    const before = gh.getRepo('tinyland-inc', 'blahaj')!.headOid;
    const res = await fetch(
      `${gh.url}/_sandbox/github/repos/tinyland-inc/blahaj/contents/.github/workflows/labeler.yml`,
      {
        method: 'PUT',
        body: JSON.stringify({
          content:
            'name: Labeler\non: [pull_request_target]\njobs:\n  label:\n    runs-on: tinyland-docker\n    steps:\n      - uses: actions/labeler@v5\n',
        }),
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      before,
      after: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(
      gh.readFile('tinyland-inc', 'blahaj', '.github/workflows/labeler.yml'),
    ).toContain('tinyland-docker');
    expect(gh.requestCounts.total).toBe(0); // admin requests are not counted
  });
});

describe('GitHub sandbox Actions variables', () => {
  const repoValid = githubRestValidator(
    '/repos/{owner}/{repo}/actions/variables',
  );
  const orgValid = githubRestValidator('/orgs/{org}/actions/variables');

  it("serves the seeded toggle and the org's variables in GitHub's documented shape", async () => {
    const repo = await octokit.actions.listRepoVariables({
      owner: 'tinyland-inc',
      repo: 'XoxdWM',
    });
    assertValid(
      repoValid,
      repo.data,
      'GET /repos/{owner}/{repo}/actions/variables',
    );
    expect(repo.data).toEqual({
      total_count: 1,
      variables: [
        {
          name: 'USE_SELFHOSTED',
          value: 'true',
          created_at: expect.any(String),
          updated_at: expect.any(String),
        },
      ],
    });
    // a repository without variables has an empty list, not a 404
    const none = await octokit.actions.listRepoVariables({
      owner: 'tinyland-inc',
      repo: 'lab',
    });
    expect(none.data).toEqual({ total_count: 0, variables: [] });
    gh.setVariable(
      'tinyland-inc',
      null,
      'nix_cache_url',
      'http://attic.nix-cache.svc.cluster.local',
    );
    const org = await octokit.actions.listOrgVariables({ org: 'tinyland-inc' });
    assertValid(orgValid, org.data, 'GET /orgs/{org}/actions/variables');
    // GitHub upper-cases names; org variables carry their visibility
    expect(org.data.variables).toEqual([
      expect.objectContaining({ name: 'NIX_CACHE_URL', visibility: 'all' }),
    ]);
    expect(gh.requestCounts['rest:variables']).toBe(3);
  });

  it('pages 10 by default and at most 30, with Link headers', async () => {
    for (let n = 0; n < 35; n++)
      gh.setVariable(
        'tinyland-inc',
        'blahaj',
        `V${String(n).padStart(2, '0')}`,
        String(n),
      );
    const first = await octokit.actions.listRepoVariables({
      owner: 'tinyland-inc',
      repo: 'blahaj',
    });
    expect(first.data.total_count).toBe(35);
    expect(first.data.variables.map(v => v.name)).toEqual(
      Array.from({ length: 10 }, (_, n) => `V${String(n).padStart(2, '0')}`),
    );
    expect(first.headers.link).toContain(
      `${gh.url}/repos/tinyland-inc/blahaj/actions/variables?per_page=10&page=2>; rel="next"`,
    );
    const big = await octokit.actions.listRepoVariables({
      owner: 'tinyland-inc',
      repo: 'blahaj',
      per_page: 100,
      page: 2,
    });
    expect(big.data.variables.map(v => v.value)).toEqual([
      '30',
      '31',
      '32',
      '33',
      '34',
    ]);
    expect(big.headers.link).toMatch(/rel="prev"/);
    const all = await octokit.paginate(octokit.actions.listRepoVariables, {
      owner: 'tinyland-inc',
      repo: 'blahaj',
      per_page: 30,
    });
    expect(all).toHaveLength(35);
  });

  it('answers an unchanged list with 304 until a variable changes', async () => {
    const first = await octokit.actions.listRepoVariables({
      owner: 'tinyland-inc',
      repo: 'XoxdWM',
    });
    const etag = first.headers.etag!;
    const again = (tag: string) =>
      octokit.actions.listRepoVariables({
        owner: 'tinyland-inc',
        repo: 'XoxdWM',
        headers: { 'if-none-match': tag },
      });
    await expect(again(etag)).rejects.toMatchObject({ status: 304 });
    expect(gh.requestCounts['rest:304']).toBe(1);
    gh.setVariable('tinyland-inc', 'XoxdWM', 'USE_SELFHOSTED', 'false');
    const changed = await again(etag);
    expect(changed.data.variables[0].value).toBe('false');
    gh.setVariable('tinyland-inc', 'XoxdWM', 'USE_SELFHOSTED', 'true');
  });

  it('answers 404 for an unknown repository or another org, 403 for a token without the permission', async () => {
    const doc = 'https://docs.github.com/rest/actions/variables';
    await expect(
      octokit.actions.listRepoVariables({
        owner: 'tinyland-inc',
        repo: 'nope',
      }),
    ).rejects.toMatchObject({
      status: 404,
      response: {
        data: {
          message: 'Not Found',
          documentation_url: `${doc}#list-repository-variables`,
        },
      },
    });
    await expect(
      octokit.actions.listOrgVariables({ org: 'someone-else' }),
    ).rejects.toMatchObject({ status: 404 });
    const appJwt = (
      await createAppAuth({
        appId: gh.app.appId,
        privateKey: gh.app.privateKey,
      })({ type: 'app' })
    ).token;
    const tokenWith = async (permissions?: Record<string, string>) => {
      const res = await fetch(
        `${gh.url}/app/installations/${gh.app.installationId}/access_tokens`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${appJwt}` },
          ...(permissions && { body: JSON.stringify({ permissions }) }),
        },
      );
      return new Octokit({
        baseUrl: gh.url,
        auth: (await res.json()).token,
        log,
      });
    };
    // the installation has both permissions
    const installation = await tokenWith();
    expect(
      (await installation.actions.listOrgVariables({ org: 'tinyland-inc' }))
        .status,
    ).toBe(200);
    expect(
      (
        await installation.actions.listRepoVariables({
          owner: 'tinyland-inc',
          repo: 'XoxdWM',
        })
      ).status,
    ).toBe(200);
    // a token that asked only for contents cannot read them
    const narrow = await tokenWith({ contents: 'read', metadata: 'read' });
    for (const call of [
      () => narrow.actions.listOrgVariables({ org: 'tinyland-inc' }),
      () =>
        narrow.actions.listRepoVariables({
          owner: 'tinyland-inc',
          repo: 'XoxdWM',
        }),
    ])
      await expect(call()).rejects.toMatchObject({
        status: 403,
        response: {
          data: { message: 'Resource not accessible by integration' },
        },
      });
  });
});

describe('GitHub sandbox tags', () => {
  const TEMPLATE = '.github/workflows/nix-build.yml';
  const gqlObject = async (expression: string) => {
    const res = await octokit.graphql<{
      repository: { object: { text: string } | null };
    }>(
      `query($e: String!) { repository(owner: "tinyland-inc", name: "GloriousFlywheel") { object(expression: $e) { ... on Blob { text } } } }`,
      { e: expression },
    );
    return res.repository.object?.text ?? null;
  };

  it('reads a file at a seeded tag after the branch moved on; an unknown ref is no object / 404', async () => {
    const atTag = await gqlObject(`v1:${TEMPLATE}`);
    expect(atTag).toBe(
      gh.readFile('tinyland-inc', 'GloriousFlywheel', TEMPLATE),
    );
    expect(await gqlObject(`refs/tags/v1:${TEMPLATE}`)).toBe(atTag);
    gh.putFile(
      'tinyland-inc',
      'GloriousFlywheel',
      TEMPLATE,
      `${atTag}# moved on\n`,
    );
    expect(await gqlObject(`main:${TEMPLATE}`)).toContain('# moved on');
    expect(await gqlObject(`v1:${TEMPLATE}`)).toBe(atTag);
    const rest = await octokit.repos.getContent({
      owner: 'tinyland-inc',
      repo: 'GloriousFlywheel',
      path: TEMPLATE,
      ref: 'v1',
    });
    expect(
      Buffer.from(
        (rest.data as { content: string }).content,
        'base64',
      ).toString('utf8'),
    ).toBe(atTag);
    expect(await gqlObject(`v9:${TEMPLATE}`)).toBeNull();
    await expect(
      octokit.repos.getContent({
        owner: 'tinyland-inc',
        repo: 'GloriousFlywheel',
        path: TEMPLATE,
        ref: 'v9',
      }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'No commit found for the ref v9' } },
    });
    gh.putFile('tinyland-inc', 'GloriousFlywheel', TEMPLATE, atTag!);
  });
});
