import { createAppAuth } from '@octokit/auth-app';
import { createFleetSeed } from '../seed/fleetSeed';
import { GitHubSandbox, startGitHubSandbox } from '.';
import {
  assertValid,
  githubRestComponentValidator,
  githubRestValidator,
  githubWebhookValidator,
} from '../testing/githubOpenApi';

/**
 * Every REST route and webhook payload the GitHub stand-in serves, checked against GitHub's
 * OpenAPI descriptions of api.github.com (the jobs routes and workflow_job payloads are checked
 * in jobs/simulator.test.ts).
 */
describe("GitHub sandbox against GitHub's OpenAPI descriptions", () => {
  let gh: GitHubSandbox;
  let appJwt: string;

  beforeAll(async () => {
    gh = await startGitHubSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
    const auth = createAppAuth({
      appId: gh.app.appId,
      privateKey: gh.app.privateKey,
    });
    appJwt = (await auth({ type: 'app' })).token;
  }, 60_000);
  afterAll(() => gh?.close());

  const get = async (path: string, token: string, method = 'GET') => {
    const res = await fetch(`${gh.url}${path}`, {
      method,
      headers: {
        authorization: token === appJwt ? `Bearer ${token}` : `token ${token}`,
        accept: 'application/vnd.github+json',
      },
    });
    return { status: res.status, body: await res.json() };
  };

  it("serves REST responses that match their operation's response schema", async () => {
    const repo = gh.getRepo('tinyland-inc', 'lab')!;
    const workflowsRes = await get(
      '/repos/tinyland-inc/lab/actions/workflows',
      gh.token,
    );
    const workflowId = workflowsRes.body.workflows[0].id;
    const runs = await get('/repos/tinyland-inc/lab/actions/runs', gh.token);
    const installation = gh.createInstallationToken().token;
    const cases: [string, string, string, string?][] = [
      ['/rate_limit', '/rate_limit', gh.token],
      ['/orgs/{org}/repos', '/orgs/tinyland-inc/repos', gh.token],
      ['/repos/{owner}/{repo}', '/repos/tinyland-inc/lab', gh.token],
      [
        '/repos/{owner}/{repo}/contents/{path}',
        '/repos/tinyland-inc/lab/contents/README.md',
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/contents/{path}',
        '/repos/tinyland-inc/lab/contents/.github/workflows',
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/readme',
        '/repos/tinyland-inc/lab/readme',
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/git/trees/{tree_sha}',
        `/repos/tinyland-inc/lab/git/trees/${repo.treeOid}?recursive=1`,
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/actions/workflows',
        '/repos/tinyland-inc/lab/actions/workflows',
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/actions/workflows/{workflow_id}',
        `/repos/tinyland-inc/lab/actions/workflows/${workflowId}`,
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        `/repos/tinyland-inc/lab/actions/workflows/${workflowId}/runs`,
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/actions/runs',
        '/repos/tinyland-inc/lab/actions/runs',
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/pulls',
        '/repos/tinyland-inc/lab/pulls?state=all',
        gh.token,
      ],
      [
        '/repos/{owner}/{repo}/actions/variables',
        '/repos/tinyland-inc/XoxdWM/actions/variables',
        gh.token,
      ],
      [
        '/orgs/{org}/actions/variables',
        '/orgs/tinyland-inc/actions/variables',
        installation,
      ],
      [
        '/installation/repositories',
        '/installation/repositories',
        installation,
      ],
      ['/app', '/app', appJwt],
      [
        '/app/installations/{installation_id}',
        `/app/installations/${gh.app.installationId}`,
        appJwt,
      ],
      ['/orgs/{org}/installation', '/orgs/tinyland-inc/installation', appJwt],
      [
        '/repos/{owner}/{repo}/installation',
        '/repos/tinyland-inc/lab/installation',
        appJwt,
      ],
    ];
    expect(runs.status).toBe(200);
    const failures: string[] = [];
    for (const [template, path, token] of cases) {
      const { status, body } = await get(path, token);
      expect([path, status]).toEqual([path, 200]);
      try {
        assertValid(githubRestValidator(template), body, `GET ${path}`);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    // GET /app/installations: the operation inlines `account` as allOf(simple-user, enterprise),
    // which no account satisfies; the `installation` component has anyOf, as GitHub answers
    const installations = await get('/app/installations', appJwt);
    expect(installations.status).toBe(200);
    try {
      assertValid(
        githubRestComponentValidator('installation', { array: true }),
        installations.body,
        'GET /app/installations',
      );
    } catch (e) {
      failures.push((e as Error).message);
    }
    const token = await fetch(
      `${gh.url}/app/installations/${gh.app.installationId}/access_tokens`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${appJwt}` },
      },
    );
    expect(token.status).toBe(201);
    try {
      assertValid(
        githubRestValidator(
          '/app/installations/{installation_id}/access_tokens',
          'post',
          '201',
        ),
        await token.json(),
        'POST access_tokens',
      );
    } catch (e) {
      failures.push((e as Error).message);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it("builds push and workflow_run payloads that match GitHub's webhook schemas", () => {
    const failures: string[] = [];
    const check = (schema: string, payload: unknown) => {
      try {
        assertValid(githubWebhookValidator(schema), payload, schema);
      } catch (e) {
        failures.push((e as Error).message);
      }
    };
    gh.putFile('tinyland-inc', 'lab', 'NOTES.md', 'notes\n');
    check('webhook-push', gh.buildPushPayload('tinyland-inc', 'lab'));
    for (const [action, schema] of [
      ['completed', 'webhook-workflow-run-completed'],
      ['in_progress', 'webhook-workflow-run-in-progress'],
      ['requested', 'webhook-workflow-run-requested'],
    ] as const) {
      gh.setWorkflowRunConclusion(
        'tinyland-inc',
        'lab',
        'ci.yml',
        action === 'completed' ? 'success' : null,
      );
      check(
        schema,
        gh.buildWorkflowRunPayload('tinyland-inc', 'lab', 'ci.yml', action),
      );
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
