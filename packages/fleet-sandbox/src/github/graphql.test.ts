// The scanner's own clients, hoisted in the workspace; not yet in this package's devDependencies
// (package.json is frozen for this change), hence the lint exception.
import { graphql, GraphqlResponseError } from '@octokit/graphql';
import { parse, validate } from 'graphql';
import { createFleetSeed } from '../seed/fleetSeed';
import {
  analyzeGitHubGraphqlQuery,
  GitHubSandbox,
  loadGitHubSchema,
  startGitHubSandbox,
} from '.';
import { GITHUB_BLOB_TEXT_LIMIT, GITHUB_SEED_FACTS } from './seedContent';

// The query documents the adoption scanner is expected to send. They are validated against
// GitHub's real schema here, so a wrong field name fails in this test as it would on GitHub.

/** Cold scan: a batch of repositories with their workflow trees and blob texts. */
const ORG_BATCH_QUERY = /* GraphQL */ `
  query AdoptionOrgBatch($org: String!, $first: Int!, $after: String) {
    organization(login: $org) {
      repositories(
        first: $first
        after: $after
        isFork: false
        orderBy: { field: NAME, direction: ASC }
      ) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          name
          nameWithOwner
          isFork
          isArchived
          pushedAt
          defaultBranchRef {
            name
            target {
              ... on Commit {
                oid
              }
            }
          }
          object(expression: "HEAD:.github/workflows") {
            ... on Tree {
              oid
              entries {
                name
                path
                type
                oid
                object {
                  ... on Blob {
                    text
                    byteSize
                    isBinary
                    isTruncated
                    oid
                  }
                }
              }
            }
          }
        }
      }
    }
    rateLimit {
      cost
      remaining
      limit
      resetAt
      used
      nodeCount
    }
  }
`;

/** Warm rescan: only what tells whether a repository changed. */
const ORG_HEADS_QUERY = /* GraphQL */ `
  query AdoptionOrgHeads($org: String!, $after: String) {
    organization(login: $org) {
      repositories(first: 100, after: $after, isFork: false) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          nameWithOwner
          isArchived
          pushedAt
          defaultBranchRef {
            target {
              ... on Commit {
                oid
              }
            }
          }
          object(expression: "HEAD:.github/workflows") {
            ... on Tree {
              oid
            }
          }
        }
      }
    }
    rateLimit {
      cost
      remaining
      resetAt
    }
  }
`;

/** Changed repositories, several per request through aliases, with the scorecard's extra files. */
const REPOS_BY_ALIAS_QUERY = /* GraphQL */ `
  fragment AdoptionRepo on Repository {
    name
    nameWithOwner
    isFork
    isArchived
    pushedAt
    defaultBranchRef {
      name
      target {
        ... on Commit {
          oid
        }
      }
    }
    workflows: object(expression: "HEAD:.github/workflows") {
      ... on Tree {
        oid
        entries {
          name
          path
          type
          oid
          object {
            ... on Blob {
              text
              byteSize
              isBinary
              oid
            }
          }
        }
      }
    }
    exceptions: object(
      expression: "HEAD:.github/gloriousflywheel-exceptions.yaml"
    ) {
      ... on Blob {
        text
        oid
      }
    }
    bazelrc: object(expression: "HEAD:.bazelrc") {
      ... on Blob {
        text
        oid
      }
    }
    readme: object(expression: "HEAD:README.md") {
      ... on Blob {
        text
        oid
      }
    }
  }
  query AdoptionRepos {
    r0: repository(owner: "tinyland-inc", name: "GloriousFlywheel") {
      ...AdoptionRepo
    }
    r1: repository(owner: "tinyland-inc", name: "XoxdWM") {
      ...AdoptionRepo
    }
    rateLimit {
      cost
      remaining
    }
  }
`;

/** A large workflow directory: a subtree fetched on its own by oid. */
const TREE_BY_OID_QUERY = /* GraphQL */ `
  query AdoptionTree($owner: String!, $name: String!, $oid: GitObjectID!) {
    repository(owner: $owner, name: $name) {
      object(oid: $oid) {
        ... on Tree {
          entries {
            name
            oid
            object {
              ... on Blob {
                text
                isBinary
                byteSize
              }
            }
          }
        }
      }
    }
  }
`;

const NODES_QUERY = /* GraphQL */ `
  query AdoptionNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Repository {
        nameWithOwner
        pushedAt
      }
    }
  }
`;

const seed = createFleetSeed({ longTailRepos: 250 });
let gh: GitHubSandbox;
let gql: typeof graphql;

beforeAll(async () => {
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    rateLimit: { windowMs: 1000 },
  });
  gql = graphql.defaults({
    baseUrl: gh.url,
    headers: { authorization: `token ${gh.token}` },
  });
});

afterAll(() => gh.close());

beforeEach(() => {
  gh.rateLimit.configure({
    limit: 5000,
    graphqlLimit: 5000,
    windowMs: 1000,
    secondary: null,
  });
  gh.resetRequestCounts();
});

const errorsOf = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    err => err,
  );
  expect(e).toBeInstanceOf(GraphqlResponseError);
  return (e as GraphqlResponseError<unknown>).errors as {
    type?: string;
    message: string;
  }[];
};

/**
 * What `gh pr list` sends (cli/cli pkg/cmd/pr/list, the `PullRequestList` query with the default
 * fields of its table output), so the sandbox is checked against the real client's document.
 */
const GH_PR_LIST_QUERY = `fragment pr on PullRequest{number,title,state,url,headRefName,headRepositoryOwner{id,login,...on User{name}},isCrossRepository,isDraft,createdAt}
    query PullRequestList(
      $owner: String!,
      $repo: String!,
      $limit: Int!,
      $endCursor: String,
      $baseBranch: String,
      $headBranch: String,
      $state: [PullRequestState!] = OPEN
    ) {
      repository(owner: $owner, name: $repo) {
        pullRequests(
          states: $state,
          baseRefName: $baseBranch,
          headRefName: $headBranch,
          first: $limit,
          after: $endCursor,
          orderBy: {field: CREATED_AT, direction: DESC}
        ) {
          totalCount
          nodes {
            ...pr
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    }`;

describe('GitHub sandbox GraphQL', () => {
  it.each([
    ['GH_PR_LIST_QUERY', GH_PR_LIST_QUERY],
    ['ORG_BATCH_QUERY', ORG_BATCH_QUERY],
    ['ORG_HEADS_QUERY', ORG_HEADS_QUERY],
    ['REPOS_BY_ALIAS_QUERY', REPOS_BY_ALIAS_QUERY],
    ['TREE_BY_OID_QUERY', TREE_BY_OID_QUERY],
    ['NODES_QUERY', NODES_QUERY],
  ])("%s is valid against GitHub's public schema", (_name, query) => {
    expect(validate(loadGitHubSchema(), parse(query))).toEqual([]);
  });

  it('scans the org in batches of 100 with workflow trees and blob texts', async () => {
    let after: string | null = null;
    const repos: any[] = [];
    let pages = 0;
    for (let guard = 0; guard < 10; guard++) {
      const res: any = await gql(ORG_BATCH_QUERY, {
        org: 'tinyland-inc',
        first: 100,
        after,
      });
      pages++;
      repos.push(...res.organization.repositories.nodes);
      expect(res.rateLimit.cost).toBe(1);
      expect(res.rateLimit.nodeCount).toBe(100);
      if (!res.organization.repositories.pageInfo.hasNextPage) break;
      after = res.organization.repositories.pageInfo.endCursor;
    }
    const nonForks = seed.repos.filter(r => !r.isFork);
    expect(repos).toHaveLength(nonForks.length);
    expect(pages).toBe(Math.ceil(nonForks.length / 100));
    expect(gh.requestCounts.graphql).toBe(pages);
    expect(gh.requestCounts['graphql-cost']).toBe(pages);

    const lab = repos.find(r => r.name === 'lab');
    const snap = gh.getRepo('tinyland-inc', 'lab')!;
    expect(lab.defaultBranchRef).toEqual({
      name: 'main',
      target: { oid: snap.headOid },
    });
    expect(lab.pushedAt).toBe(snap.pushedAt);
    const ci = lab.object.entries.find((e: any) => e.name === 'ci.yml');
    expect(ci).toMatchObject({
      path: '.github/workflows/ci.yml',
      type: 'blob',
      object: { isBinary: false },
    });
    // lab's CI after its migration (lab#72): the current Attic endpoint
    expect(ci.object.text).toContain(
      'ATTIC_SERVER: http://attic.nix-cache.svc.cluster.local',
    );
    expect(ci.oid).toBe(ci.object.oid);

    // over the blob text limit: text null, as GitHub does
    const big = repos
      .find(r => r.name === 'svc-0007')
      .object.entries.find((e: any) => e.path === GITHUB_SEED_FACTS.largePath);
    expect(big.object).toMatchObject({ text: null, isTruncated: true });
    expect(big.object.byteSize).toBeGreaterThan(GITHUB_BLOB_TEXT_LIMIT);

    // archived repos are listed (the scanner filters them), forks are not with isFork: false
    expect(repos.some(r => r.isArchived)).toBe(true);
    expect(repos.some(r => r.isFork)).toBe(false);
  });

  it('shows a changed repository by head oid and pushedAt; the workflows tree oid only when workflows change', async () => {
    const heads = async () => {
      const res: any = await gql(ORG_HEADS_QUERY, { org: 'tinyland-inc' });
      return new Map<string, any>(
        res.organization.repositories.nodes.map((n: any) => [
          n.nameWithOwner,
          n,
        ]),
      );
    };
    const a = await heads();
    gh.putFile('tinyland-inc', 'blahaj', 'README.md', '# blahaj\n\nshark\n');
    const b = await heads();
    const before = a.get('tinyland-inc/blahaj');
    const after = b.get('tinyland-inc/blahaj');
    expect(after.defaultBranchRef.target.oid).not.toBe(
      before.defaultBranchRef.target.oid,
    );
    expect(after.pushedAt > before.pushedAt).toBe(true);
    expect(after.object.oid).toBe(before.object.oid);
    expect(b.get('tinyland-inc/lab')).toEqual(a.get('tinyland-inc/lab'));
    gh.putFile(
      'tinyland-inc',
      'blahaj',
      '.github/workflows/new.yml',
      'on: push\njobs:\n  a:\n    runs-on: tinyland-nix\n    steps: []\n',
    );
    const c = await heads();
    expect(c.get('tinyland-inc/blahaj').object.oid).not.toBe(after.object.oid);
  });

  it('lists repositories newest push first, archived ones left out on request', async () => {
    const list = async () => {
      const res: any = await gql(
        `query { organization(login: "tinyland-inc") { repositories(first: 100, orderBy: { field: PUSHED_AT, direction: DESC }, isFork: false, isArchived: false) { nodes { name pushedAt isArchived } } } }`,
      );
      return res.organization.repositories.nodes as {
        name: string;
        pushedAt: string;
        isArchived: boolean;
      }[];
    };
    const { pushedAt } = gh.putFile(
      'tinyland-inc',
      'lab',
      'README.md',
      '# lab\n\npushed last\n',
    );
    const nodes = await list();
    expect(nodes.find(n => n.name === 'lab')!.pushedAt).toBe(pushedAt);
    const newest = gh
      .listRepos()
      .filter(r => !r.isFork && !r.isArchived)
      .reduce((a, r) => (r.pushedAt > a ? r.pushedAt : a), '');
    expect(nodes[0].pushedAt).toBe(newest);
    expect(nodes.some(n => n.isArchived)).toBe(false);
    const times = nodes.map(n => Date.parse(n.pushedAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it("serves the head commit's check suites: one per workflow run, oldest first, with the run's file", async () => {
    gh.setWorkflowRunConclusion('tinyland-inc', 'blahaj', 'ci.yml', 'failure');
    gh.setWorkflowRunConclusion('tinyland-inc', 'blahaj', 'ci.yml', null);
    const query = `query { repository(owner: "tinyland-inc", name: "blahaj") { object(expression: "HEAD") { ... on Commit {
      checkSuites(first: 50) { nodes { status conclusion workflowRun { url runNumber file { path } workflow { name } } } } } } } }`;
    expect(validate(loadGitHubSchema(), parse(query))).toEqual([]);
    const res: any = await gql(query);
    const suites = res.repository.object.checkSuites.nodes.filter((n: any) =>
      n.workflowRun.file.path.endsWith('/ci.yml'),
    );
    expect(suites.slice(-2).map((n: any) => [n.status, n.conclusion])).toEqual([
      ['COMPLETED', 'FAILURE'],
      ['IN_PROGRESS', null],
    ]);
    expect(suites[suites.length - 1].workflowRun.url).toMatch(
      /^https:\/\/github\.com\/tinyland-inc\/blahaj\/actions\/runs\/\d+$/,
    );
  });

  it('fetches several repositories with aliases and extra files', async () => {
    const res: any = await gql(REPOS_BY_ALIAS_QUERY);
    expect(res.r0.exceptions.text).toContain('expires: 2026-05-31');
    expect(res.r0.readme.text).toContain('--remote_executor');
    expect(res.r0.bazelrc.text).not.toContain('attic-cache-dev');
    expect(res.r1.bazelrc.text).toContain('attic-cache-dev');
    expect(res.r1.exceptions).toBeNull();
    expect(res.r1.workflows.entries.map((e: any) => e.name)).toEqual([
      'ci.yml',
      'docs.yml',
      'flakehub.yml',
    ]);

    const tree: any = await gql(TREE_BY_OID_QUERY, {
      owner: 'tinyland-inc',
      name: 'XoxdWM',
      oid: res.r1.workflows.oid,
    });
    expect(tree.repository.object.entries).toHaveLength(3);

    const ids: any = await gql(
      `{ repository(owner: "tinyland-inc", name: "lab") { id } }`,
    );
    const nodes: any = await gql(NODES_QUERY, { ids: [ids.repository.id] });
    expect(nodes.nodes[0].nameWithOwner).toBe('tinyland-inc/lab');
  });

  it("fails validation for a field that is not in GitHub's schema", async () => {
    const errors = await errorsOf(
      gql(
        `{ repository(owner: "tinyland-inc", name: "lab") { name workflowFiles { name } } }`,
      ),
    );
    expect(errors[0].message).toBe(
      "Field 'workflowFiles' doesn't exist on type 'Repository'",
    );
    const argErrors = await errorsOf(
      gql(
        `{ organization(login: "tinyland-inc") { repositories(first: 10, isTemplate: false) { totalCount } } }`,
      ),
    );
    expect(argErrors[0].message).toBe(
      "Field 'repositories' doesn't accept argument 'isTemplate'",
    );
    expect(gh.requestCounts['graphql-cost']).toBe(0);
  });

  it('enforces pagination boundaries and the node limit, as GitHub does', async () => {
    const missing = await errorsOf(
      gql(
        `{ organization(login: "tinyland-inc") { repositories { totalCount } } }`,
      ),
    );
    expect(missing[0]).toMatchObject({
      type: 'MISSING_PAGINATION_BOUNDARIES',
      message:
        'You must provide a `first` or `last` value to properly paginate the `repositories` connection.',
    });
    const excessive = await errorsOf(
      gql(
        `{ organization(login: "tinyland-inc") { repositories(first: 101) { totalCount } } }`,
      ),
    );
    expect(excessive[0]).toMatchObject({
      type: 'EXCESSIVE_PAGINATION',
      message:
        'Requesting 101 records on the `repositories` connection exceeds the `first` limit of 100 records.',
    });
    const huge = await errorsOf(
      gql(`{ organization(login: "tinyland-inc") { repositories(first: 100) { nodes {
        issues(first: 100) { nodes { comments(first: 100) { totalCount } } } } } } }`),
    );
    expect(huge[0].type).toBe('MAX_NODE_LIMIT_EXCEEDED');
    expect(huge[0].message).toMatch(
      /requesting up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000/,
    );
  });

  it("computes cost and node count with GitHub's documented formula", () => {
    // the example from GitHub's docs: 305,100 nodes, cost 51
    const doc = parse(`query {
      viewer { login repositories(first: 100) { edges { node { id
        issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } }
    }`);
    const op = doc.definitions[0] as any;
    const limits = analyzeGitHubGraphqlQuery(loadGitHubSchema(), doc, op, {});
    expect(limits).toEqual({ cost: 51, nodeCount: 305_100, errors: [] });
  });

  it('reports NOT_FOUND with partial data', async () => {
    const e: any = await gql(
      `{ repository(owner: "tinyland-inc", name: "nope") { name } }`,
    ).catch(x => x);
    expect(e).toBeInstanceOf(GraphqlResponseError);
    expect(e.data).toEqual({ repository: null });
    expect(e.errors[0]).toMatchObject({
      type: 'NOT_FOUND',
      path: ['repository'],
      message:
        "Could not resolve to a Repository with the name 'tinyland-inc/nope'.",
    });
  });

  it('refuses schema fields the sandbox does not serve, loudly', async () => {
    const errors = await errorsOf(
      gql(
        `{ repository(owner: "tinyland-inc", name: "lab") { stargazerCount } }`,
      ),
    );
    expect(errors[0].message).toMatch(
      /Repository\.stargazerCount .* the sandbox does not serve it/,
    );
  });

  it('charges the graphql budget and answers RATE_LIMITED when it is spent', async () => {
    gh.rateLimit.configure({ graphqlLimit: 2, windowMs: 1000 });
    const q = `{ rateLimit { cost remaining limit used resetAt } }`;
    const first: any = await gql(q);
    expect(first.rateLimit).toMatchObject({
      cost: 1,
      remaining: 1,
      limit: 2,
      used: 1,
    });
    await gql(q);
    const res = await fetch(gh.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `bearer ${gh.token}` },
      body: JSON.stringify({ query: q }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-resource')).toBe('graphql');
    const body = await res.json();
    expect(body.errors[0]).toMatchObject({
      type: 'RATE_LIMITED',
      message: expect.stringMatching(
        /^API rate limit already exceeded for user ID 1\./,
      ),
    });
    expect(gh.requestCounts['rate-limited']).toBe(1);
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    await new Promise(r =>
      setTimeout(r, Math.max(0, reset * 1000 - Date.now()) + 50),
    );
    expect(((await gql(q)) as any).rateLimit.remaining).toBe(1);
  });

  describe('Repository.pullRequests', () => {
    const list = (variables: Record<string, unknown>) =>
      gql<any>(GH_PR_LIST_QUERY, {
        owner: 'tinyland-inc',
        repo: 'lab',
        limit: 30,
        ...variables,
      }).then(r => r.repository.pullRequests);

    it("answers gh pr list's query: open by default, merged, all, head branch, newest first", async () => {
      expect(await list({})).toEqual({
        totalCount: 0,
        nodes: [],
        pageInfo: { hasNextPage: false, endCursor: null },
      });
      const merged = await list({ state: ['MERGED'] });
      expect(merged.totalCount).toBe(2);
      expect(merged.nodes.map((n: any) => n.number)).toEqual([73, 72]);
      expect(merged.nodes[1]).toEqual({
        number: 72,
        title: 'Run lab CI on the tinyland-nix runner class',
        state: 'MERGED',
        url: 'https://github.com/tinyland-inc/lab/pull/72',
        headRefName: 'gloriousflywheel/tinyland-nix',
        headRepositoryOwner: { id: expect.any(String), login: 'tinyland-inc' },
        isCrossRepository: false,
        isDraft: false,
        createdAt: '2026-04-12T08:00:00Z',
      });
      const byHead = await list({
        state: ['OPEN', 'CLOSED', 'MERGED'],
        headBranch: 'fix/nix-bootstrap-order',
      });
      expect(byHead.nodes.map((n: any) => n.number)).toEqual([73]);
      expect(
        (
          await list({
            state: ['OPEN', 'CLOSED', 'MERGED'],
            baseBranch: 'release',
          })
        ).totalCount,
      ).toBe(0);
    });

    it('pages with first/after like GitHub', async () => {
      const first = await list({ state: ['MERGED'], limit: 1 });
      expect(first).toMatchObject({
        totalCount: 2,
        nodes: [{ number: 73 }],
        pageInfo: { hasNextPage: true },
      });
      const second = await list({
        state: ['MERGED'],
        limit: 1,
        endCursor: first.pageInfo.endCursor,
      });
      expect(second).toMatchObject({
        nodes: [{ number: 72 }],
        pageInfo: { hasNextPage: false },
      });
    });

    it('filters by label (any of them) with the scan-wide cost of one connection per repository', async () => {
      const res: any = await gql(
        `query { organization(login: "tinyland-inc") { repositories(first: 100, orderBy: { field: NAME, direction: ASC }) { nodes { name
          pulls: pullRequests(first: 10, states: [OPEN, MERGED], labels: ["${GITHUB_SEED_FACTS.migrationLabel}", "nothing"], orderBy: { field: UPDATED_AT, direction: DESC }) {
            nodes { number state mergedAt isDraft labels(first: 5) { nodes { name } } } } } } }
          rateLimit { cost } }`,
      );
      const found = res.organization.repositories.nodes.flatMap((r: any) =>
        r.pulls.nodes.map((n: any) => ({
          repo: r.name,
          number: n.number,
          state: n.state,
        })),
      );
      const expected = GITHUB_SEED_FACTS.migrationPullRequests.filter(p =>
        found.some((f: any) => f.repo === p.repo),
      );
      expect(found).toEqual(
        expect.arrayContaining(expected.map(p => ({ ...p }))),
      );
      expect(found).toHaveLength(expected.length);
      expect(found).not.toContainEqual(
        expect.objectContaining({
          number: GITHUB_SEED_FACTS.otherPullRequest.number,
          repo: 'lab',
        }),
      );
      const lab = res.organization.repositories.nodes.find(
        (r: any) => r.name === 'lab',
      );
      expect(lab.pulls.nodes[0]).toMatchObject({
        mergedAt: '2026-04-14T16:20:00Z',
        labels: { nodes: [{ name: GITHUB_SEED_FACTS.migrationLabel }] },
      });
      // 1 (repositories) + 100 pullRequests + 1,000 labels connections, / 100
      expect(res.rateLimit.cost).toBe(11);
    });
  });

  it('answers 401 without a valid token', async () => {
    const res = await fetch(gh.graphqlUrl, {
      method: 'POST',
      body: JSON.stringify({ query: '{ viewer { login } }' }),
    });
    expect(res.status).toBe(401);
    const bad = await fetch(gh.graphqlUrl, {
      method: 'POST',
      headers: { authorization: 'token nope' },
      body: JSON.stringify({ query: '{ rateLimit { cost } }' }),
    });
    expect(bad.status).toBe(401);
    expect((await bad.json()).message).toBe('Bad credentials');
  });
});
