import { ScorecardConfig } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * The GraphQL documents of the adoption scan. Text is built from config (the fixed paths), and
 * every built document is validated against GitHub's public schema in queries.test.ts.
 *
 * Cost model (GitHub): only connections count, so a page of 100 repositories with nested trees,
 * blob texts and aliases costs 1 point; `entries` and `object(expression:)` are not connections.
 */

/** Max repositories per page (GitHub's `first` limit). */
export const PAGE_SIZE = 100;
/** Changed repositories fetched per aliased query. */
export const CONTENT_CHUNK = 50;
/** Extra files fetched per aliased query. */
export const EXTRA_FILES_CHUNK = 200;

const BLOB = '... on Blob { text byteSize isBinary isTruncated }';

const HEAD_FIELDS = `
    name
    nameWithOwner
    url
    isFork
    isArchived
    pushedAt
    owner { login }
    defaultBranchRef { name target { ... on Commit { oid } } }`;

/** Which pull requests to read with each repository (see MigrationPullRequestConfig). */
export interface MigrationPullsSelection {
  labels: string[];
  limit: number;
}

/**
 * Open and merged pull requests of a repository: GitHub filters by label when labels are given,
 * otherwise the most recently updated ones come (head-branch globs are matched by the scanner).
 * One connection per repository: a page of 100 repositories still costs one point.
 */
function migrationPullsField(m: MigrationPullsSelection | undefined): string {
  if (!m) return '';
  const labels = m.labels.length ? `, labels: ${JSON.stringify(m.labels)}` : '';
  return `
    migrationPulls: pullRequests(first: ${m.limit}, states: [OPEN, MERGED]${labels}, orderBy: { field: UPDATED_AT, direction: DESC }) {
      nodes { number title url state isDraft headRefName createdAt mergedAt }
    }`;
}

/** Root-level files the scorecard reads in most repositories, fetched with the batch itself. */
export function fixedRootFiles(config: ScorecardConfig): string[] {
  return [
    ...new Set([
      'README.md',
      '.bazelrc',
      '.gitlab-ci.yml',
      'flake.nix',
      '.envrc',
      config.bazelWrapper,
    ]),
  ];
}

/** `.github` with blob texts three levels down: workflows, the exception register, local actions. */
const GITHUB_TREE = `github: object(expression: "HEAD:.github") {
      ... on Tree { entries { path type object { ${BLOB}
        ... on Tree { entries { path type object { ${BLOB}
          ... on Tree { entries { path type object { ${BLOB} } } } } } } } } }
    }`;

/** The rest of the repository, names only, three levels down: where else scorecard inputs live. */
const ROOT_LISTING = `root: object(expression: "HEAD:") {
      ... on Tree { entries { path type object {
        ... on Tree { entries { path type object {
          ... on Tree { entries { path type } } } } } } } }
    }`;

/** Check suites listed per head commit: one per workflow run at that commit, oldest first. */
export const HEAD_SUITES = 50;

/**
 * The workflow runs of the head commit, as GitHub Actions' check suites: a proof workflow finished
 * there needs no REST request (one connection per repository, so a page still costs little).
 */
const HEAD_SUITES_FIELD = `headSuites: object(expression: "HEAD") {
      ... on Commit { checkSuites(first: ${HEAD_SUITES}) {
        pageInfo { hasNextPage }
        nodes { status conclusion workflowRun { url file { path } workflow { name } } } } }
    }`;

function contentFields(
  config: ScorecardConfig,
  migrations?: MigrationPullsSelection,
): string {
  const fixed = fixedRootFiles(config)
    .map(
      (path, i) =>
        `f${i}: object(expression: ${JSON.stringify(
          `HEAD:${path}`,
        )}) { ${BLOB} }`,
    )
    .join('\n    ');
  return `${HEAD_FIELDS}${migrationPullsField(migrations)}
    ${GITHUB_TREE}
    ${ROOT_LISTING}
    ${HEAD_SUITES_FIELD}
    ${fixed}`;
}

function repositoriesArgs(
  includeForks: boolean,
  includeArchived: boolean,
  order: 'NAME' | 'PUSHED_AT',
) {
  // Forks and archived ones are filtered by GitHub itself: an archived repository is then absent
  // from a full listing, which drops it from results like a deleted one.
  const direction = order === 'NAME' ? 'ASC' : 'DESC';
  const filters = `${includeForks ? '' : ', isFork: false'}${
    includeArchived ? '' : ', isArchived: false'
  }`;
  return `first: ${PAGE_SIZE}, after: $after, orderBy: { field: ${order}, direction: ${direction} }${filters}`;
}

const RATE_LIMIT = 'rateLimit { cost remaining resetAt }';

/**
 * Warm rescan: cheap pages of 100 repositories, only what tells whether one changed, most recently
 * pushed first, so a scan can stop at the first repository not pushed since the last one.
 */
export function orgHeadsQuery(
  includeForks: boolean,
  migrations?: MigrationPullsSelection,
  includeArchived = true,
): string {
  return `query AdoptionOrgHeads($org: String!, $after: String) {
  organization(login: $org) {
    repositories(${repositoriesArgs(
      includeForks,
      includeArchived,
      'PUSHED_AT',
    )}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${HEAD_FIELDS}${migrationPullsField(migrations)} }
    }
  }
  ${RATE_LIMIT}
}`;
}

/** Cold scan: a page of 100 repositories with everything the scorecard reads. */
export function orgBatchQuery(
  config: ScorecardConfig,
  includeForks: boolean,
  migrations?: MigrationPullsSelection,
  includeArchived = true,
): string {
  return `query AdoptionOrgBatch($org: String!, $after: String) {
  organization(login: $org) {
    repositories(${repositoriesArgs(includeForks, includeArchived, 'NAME')}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ${contentFields(config, migrations)} }
    }
  }
  ${RATE_LIMIT}
}`;
}

/** Changed (or webhook-named) repositories by alias, with everything the scorecard reads. */
export function reposContentQuery(
  config: ScorecardConfig,
  repos: { owner: string; name: string }[],
  migrations?: MigrationPullsSelection,
): string {
  const aliases = repos
    .map(
      (r, i) =>
        `r${i}: repository(owner: ${JSON.stringify(
          r.owner,
        )}, name: ${JSON.stringify(r.name)}) { ...AdoptionRepoContent }`,
    )
    .join('\n  ');
  return `fragment AdoptionRepoContent on Repository { ${contentFields(
    config,
    migrations,
  )} }
query AdoptionRepos {
  ${aliases}
  ${RATE_LIMIT}
}`;
}

/** Files found in the root listing, pinned to the head oid the rest was read at. */
export function extraFilesQuery(
  requests: { owner: string; name: string; oid: string; paths: string[] }[],
): string {
  const aliases = requests
    .map((r, i) => {
      const files = r.paths
        .map(
          (p, j) =>
            `f${j}: object(expression: ${JSON.stringify(
              `${r.oid}:${p}`,
            )}) { ${BLOB} }`,
        )
        .join(' ');
      return `r${i}: repository(owner: ${JSON.stringify(
        r.owner,
      )}, name: ${JSON.stringify(r.name)}) { ${files} }`;
    })
    .join('\n  ');
  return `query AdoptionExtraFiles {
  ${aliases}
  ${RATE_LIMIT}
}`;
}

// ---- response shapes (only what the documents select)

export interface BlobNode {
  text: string | null;
  byteSize: number;
  isBinary: boolean | null;
  isTruncated: boolean;
}

export interface TreeEntryNode {
  path: string;
  type: string;
  object?: (Partial<BlobNode> & { entries?: TreeEntryNode[] }) | null;
}

export interface PullRequestNode {
  number: number;
  title: string;
  url: string;
  state: 'OPEN' | 'MERGED' | 'CLOSED';
  isDraft: boolean;
  headRefName: string;
  createdAt: string;
  mergedAt: string | null;
}

export interface RepoHeadNode {
  /** present when the query asked for migration pull requests */
  migrationPulls?: { nodes: (PullRequestNode | null)[] | null } | null;
  name: string;
  nameWithOwner: string;
  url: string;
  isFork: boolean;
  isArchived: boolean;
  pushedAt: string | null;
  owner: { login: string };
  defaultBranchRef: { name: string; target: { oid?: string } | null } | null;
}

/** A workflow run of the head commit, as its check suite. */
export interface CheckSuiteNode {
  status: string;
  conclusion: string | null;
  workflowRun: {
    url: string;
    file: { path: string } | null;
    workflow: { name: string };
  } | null;
}

export interface RepoContentNode extends RepoHeadNode {
  headSuites?: {
    checkSuites?: {
      pageInfo: { hasNextPage: boolean };
      nodes: (CheckSuiteNode | null)[] | null;
    };
  } | null;
  github: { entries?: TreeEntryNode[] } | null;
  root: { entries?: TreeEntryNode[] } | null;
  [fixed: `f${number}`]: BlobNode | null;
}

export interface OrgPage<N> {
  organization: {
    repositories: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: (N | null)[];
    };
  } | null;
  rateLimit?: { cost: number; remaining: number; resetAt: string };
}
