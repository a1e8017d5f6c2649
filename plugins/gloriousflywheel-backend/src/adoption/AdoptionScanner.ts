import crypto from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AdoptionFileError,
  buildRepoAdoption,
  MigrationPullRequest,
  createScorecardContext,
  findProofWorkflows,
  isScorecardInput,
  RepoAdoption,
  WorkflowInspection,
  WorkflowParseCache,
  WorkflowRunSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { AdoptionConfig } from './AdoptionConfig';
import { GitHubClient, graphqlPartial, statusOf } from './GitHubClient';
import { BuildingBlockReader, PLATFORM_ORG } from './buildingBlocks';
import {
  BlobNode,
  CONTENT_CHUNK,
  EXTRA_FILES_CHUNK,
  extraFilesQuery,
  fixedRootFiles,
  orgBatchQuery,
  orgHeadsQuery,
  OrgPage,
  RepoContentNode,
  RepoHeadNode,
  reposContentQuery,
  MigrationPullsSelection,
  TreeEntryNode,
} from './queries';
import { repoKey } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { migrationPullRequestsOf } from './migrationPulls';
import { RepoInputs, RepoScanRecord, StoredRun } from './types';

/** Progress callbacks of a scan (the status endpoint shows them while it runs). */
export interface ScanProgress {
  addTotal(n: number): void;
  repoDone(): void;
  repoFetched(): void;
}

/** What one org scan found. */
export interface OrgScanResult {
  /** Every included repository's current record (changed or not). */
  records: RepoScanRecord[];
  /** Records that must be written (new inputs, new runs, re-evaluated). */
  dirty: RepoScanRecord[];
  /** Keys of repositories listed by GitHub and included; absent ones were deleted or excluded. */
  seen: Set<string>;
  /** Every repository was listed: absent ones are gone. False when the scan stopped at the mark. */
  listedAll: boolean;
  /** The newest `pushedAt` listed (or the mark it started from): where the next scan may stop. */
  pushedMark: string | null;
}

/** How a warm scan lists an organisation. */
export interface ScanOrgOptions {
  /**
   * `pushedAt` high-water mark of an earlier scan: the listing (newest push first) stops at the
   * first repository pushed before it; unset = every repository is listed.
   */
  pushedSince?: string | null;
}

const DAY = (d: Date) => d.toISOString().slice(0, 10);
const MAX_PAGES = 1000;
const RUN_CONCURRENCY = 8;
/** Read repositories evaluated together (their extra files and blocks batched): bounds memory. */
const EVALUATE_BATCH = 1000;

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

async function pool<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, worker),
  );
}

/** Adds records to a scan's result; each is written unless it is `prev`, the stored one unchanged. */
function addRecords(
  out: OrgScanResult,
  records: RepoScanRecord[],
  prev?: RepoScanRecord,
) {
  out.records.push(...records);
  out.dirty.push(...records.filter(r => r !== prev));
}

const messageOf = (e: unknown): string =>
  String((e as Error)?.message ?? e).slice(0, 500);

/**
 * Reads repositories from GitHub in as few requests as the API allows and turns them into
 * adoption results. Stateless between calls: what is known comes in, records go out.
 */
export class AdoptionScanner {
  readonly configHash: string;
  private readonly fixed: string[];
  private readonly blocks: BuildingBlockReader;
  private readonly pulls: MigrationPullsSelection;

  constructor(
    private readonly options: {
      config: AdoptionConfig;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {
    const { scorecard, tranches, migrationPullRequests } = options.config;
    this.configHash = crypto
      .createHash('sha256')
      .update(JSON.stringify({ scorecard, tranches, migrationPullRequests }))
      .digest('hex');
    this.fixed = fixedRootFiles(scorecard);
    this.blocks = new BuildingBlockReader({
      owners: options.config.buildingBlockOrgs ?? [
        ...options.config.orgs,
        PLATFORM_ORG,
      ],
      scorecard: options.config.scorecard,
      logger: options.logger,
      variableReadsPerScan: options.config.variableReadsPerScan,
    });
    this.pulls = {
      labels: migrationPullRequests.labels,
      limit: migrationPullRequests.limit,
    };
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  private included(node: RepoHeadNode) {
    const { includeForks, includeArchived } = this.options.config;
    return (
      (includeForks || !node.isFork) && (includeArchived || !node.isArchived)
    );
  }

  /**
   * Scans one organisation: a cold scan (nothing known of it) reads everything in pages of 100;
   * a warm one pages through heads only, most recently pushed first, and reads the repositories
   * whose head moved. With `pushedSince` it stops at the first repository pushed before that mark
   * (a push to any branch moves `pushedAt`), and leaves the unlisted ones' proof runs to
   * `workflow_run` webhooks: deletions, renames and archiving wait for a full listing.
   */
  async scanOrg(
    client: GitHubClient,
    org: string,
    known: ReadonlyMap<string, RepoScanRecord>,
    progress: ScanProgress,
    options: ScanOrgOptions = {},
  ): Promise<OrgScanResult> {
    const { config } = this.options;
    const orgLower = org.toLowerCase();
    const ofOrg = [...known.values()].filter(
      r => r.owner.toLowerCase() === orgLower,
    );
    const cold = ofOrg.length === 0;
    const since = cold ? null : options.pushedSince ?? null;
    this.blocks.startScan();
    const query = cold
      ? orgBatchQuery(
          config.scorecard,
          config.includeForks,
          this.pulls,
          config.includeArchived,
        )
      : orgHeadsQuery(config.includeForks, this.pulls, config.includeArchived);
    const out: OrgScanResult = {
      records: [],
      dirty: [],
      seen: new Set(),
      listedAll: since === null,
      pushedMark: since,
    };
    const newer = (a: string | null, b: string | null) =>
      a !== null && (b === null || Date.parse(a) > Date.parse(b)) ? a : b;
    let after: string | null = null;
    // Read repositories wait for a few pages, so their extra files and building blocks share queries.
    let pending: RepoContentNode[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const res: OrgPage<RepoContentNode> = await client.graphql(query, {
        org,
        after,
      });
      const repos = res.organization?.repositories;
      if (!repos)
        throw new Error(
          `GitHub organisation ${org} not found or not visible to the configured credentials`,
        );
      let listed = repos.nodes.filter((n): n is RepoContentNode => !!n);
      // Newest push first: everything from the first repository pushed before the mark is unchanged.
      const stop =
        since === null
          ? -1
          : listed.findIndex(
              n =>
                n.pushedAt !== null &&
                Date.parse(n.pushedAt) < Date.parse(since),
            );
      if (stop >= 0) listed = listed.slice(0, stop);
      for (const n of listed)
        out.pushedMark = newer(n.pushedAt, out.pushedMark);
      const nodes = listed.filter(n => this.included(n));
      progress.addTotal(nodes.length);
      for (const n of nodes) out.seen.add(repoKey(n.owner.login, n.name));

      pending.push(
        ...(cold
          ? nodes
          : await this.warmNodes(
              client,
              nodes,
              known,
              progress,
              out,
              since === null,
            )),
      );
      const last = stop >= 0 || !repos.pageInfo.hasNextPage;
      if (last || pending.length >= EVALUATE_BATCH) {
        const records = await this.evaluateContent(
          client,
          pending,
          known,
          progress,
        );
        pending = [];
        addRecords(out, records);
      }
      if (last) {
        if (since !== null)
          await this.unlisted(client, ofOrg, known, progress, out);
        return out;
      }
      after = repos.pageInfo.endCursor;
    }
    throw new Error(
      `GitHub organisation ${org}: more than ${MAX_PAGES} pages of repositories`,
    );
  }

  /** A warm page: unchanged heads refreshed, changed ones read; the read ones are returned. */
  private async warmNodes(
    client: GitHubClient,
    nodes: RepoContentNode[],
    known: ReadonlyMap<string, RepoScanRecord>,
    progress: ScanProgress,
    out: OrgScanResult,
    recheckRuns: boolean,
  ): Promise<RepoContentNode[]> {
    const changed: RepoHeadNode[] = [];
    await pool(nodes, RUN_CONCURRENCY, async n => {
      const prev = known.get(repoKey(n.owner.login, n.name));
      // A previous read error is retried; an unchanged head needs no content requests.
      if (!prev || prev.headOid !== headOid(n) || prev.result.error) {
        changed.push(n);
        return;
      }
      const record = await this.refresh(client, prev, n, recheckRuns);
      addRecords(out, [record], prev);
      progress.repoDone();
    });
    return this.readChanged(client, changed, known, progress, out);
  }

  private async readChanged(
    client: GitHubClient,
    changed: { owner: { login: string }; name: string }[],
    known: ReadonlyMap<string, RepoScanRecord>,
    progress: ScanProgress,
    out: OrgScanResult,
  ): Promise<RepoContentNode[]> {
    const toRead: RepoContentNode[] = [];
    const read = await this.readRepos(client, changed);
    for (const n of changed) {
      const got = read.get(repoKey(n.owner.login, n.name));
      if (got instanceof Error || !got) {
        const record = this.failed(
          n,
          got ?? new Error('repository not returned by GitHub'),
          known.get(repoKey(n.owner.login, n.name)),
        );
        addRecords(out, [record]);
        progress.repoDone();
      } else if (this.included(got)) toRead.push(got);
    }
    return toRead;
  }

  /**
   * The known repositories a scan stopped before: kept as they are (re-evaluated without a request
   * when the day or the config changed), those that failed last time read again.
   */
  private async unlisted(
    client: GitHubClient,
    ofOrg: RepoScanRecord[],
    known: ReadonlyMap<string, RepoScanRecord>,
    progress: ScanProgress,
    out: OrgScanResult,
  ) {
    const rest = ofOrg.filter(r => !out.seen.has(repoKey(r.owner, r.name)));
    progress.addTotal(rest.length);
    const retry: { owner: { login: string }; name: string }[] = [];
    for (const prev of rest) {
      out.seen.add(repoKey(prev.owner, prev.name));
      if (prev.result.error) {
        retry.push({ owner: { login: prev.owner }, name: prev.name });
        continue;
      }
      const record = await this.refresh(client, prev, null, false);
      addRecords(out, [record], prev);
      progress.repoDone();
    }
    const toRead = await this.readChanged(client, retry, known, progress, out);
    const records = await this.evaluateContent(client, toRead, known, progress);
    addRecords(out, records);
  }

  /** Reads the named repositories (webhook, manual) whatever their head. */
  async scanRepos(
    client: GitHubClient,
    repos: { owner: string; name: string }[],
    known: ReadonlyMap<string, RepoScanRecord>,
    progress: ScanProgress,
  ): Promise<{ records: RepoScanRecord[]; missing: string[] }> {
    progress.addTotal(repos.length);
    this.blocks.startScan();
    const read = await this.readRepos(
      client,
      repos.map(r => ({ owner: { login: r.owner }, name: r.name })),
    );
    const content: RepoContentNode[] = [];
    const records: RepoScanRecord[] = [];
    const missing: string[] = [];
    for (const r of repos) {
      const key = repoKey(r.owner, r.name);
      const got = read.get(key);
      if (got instanceof Error || !got) {
        if (statusOf(got) === 404 && !known.has(key)) missing.push(key);
        else
          records.push(
            this.failed(
              { owner: { login: r.owner }, name: r.name },
              got ?? new Error('not returned'),
              known.get(key),
            ),
          );
        progress.repoDone();
      } else if (!this.included(got)) {
        missing.push(key);
        progress.repoDone();
      } else content.push(got);
    }
    records.push(
      ...(await this.evaluateContent(client, content, known, progress)),
    );
    return { records, missing };
  }

  /** Content of repositories by alias, CONTENT_CHUNK per query; per-repository errors are kept apart. */
  private async readRepos(
    client: GitHubClient,
    repos: { owner: { login: string }; name: string }[],
  ): Promise<Map<string, RepoContentNode | Error>> {
    const out = new Map<string, RepoContentNode | Error>();
    for (let i = 0; i < repos.length; i += CONTENT_CHUNK) {
      const chunk = repos.slice(i, i + CONTENT_CHUNK);
      const query = reposContentQuery(
        this.options.config.scorecard,
        chunk.map(r => ({ owner: r.owner.login, name: r.name })),
        this.pulls,
      );
      const { data, errors } = await graphqlPartial<
        Record<string, RepoContentNode | null>
      >(client, query);
      chunk.forEach((r, j) => {
        const key = repoKey(r.owner.login, r.name);
        const node = data?.[`r${j}`];
        if (node) out.set(key, node);
        else
          out.set(
            key,
            errors.get(`r${j}`) ??
              errors.get('') ??
              new Error('repository not returned by GitHub'),
          );
      });
    }
    return out;
  }

  /** Turns read repositories into records: extra files, proof runs, scorecard. */
  private async evaluateContent(
    client: GitHubClient,
    nodes: RepoContentNode[],
    known: ReadonlyMap<string, RepoScanRecord>,
    progress: ScanProgress,
  ): Promise<RepoScanRecord[]> {
    const parsed = nodes.map(n => ({ node: n, ...this.parseContent(n) }));
    // Each file parsed once for the block rounds, the proof workflows and the scorecard (a
    // template copied into many repositories once for all), within the cache's memory bound.
    const parses = new WorkflowParseCache();
    const extra = parsed.filter(p => p.extra.length && headOid(p.node));
    const requests = extra.map(p => ({
      owner: p.node.owner.login,
      name: p.node.name,
      oid: headOid(p.node)!,
      paths: p.extra,
    }));
    // Several repositories' extra files per query, bounded by file count.
    let batch: typeof requests = [];
    let files = 0;
    const flush = async () => {
      if (!batch.length) return;
      const current = batch;
      batch = [];
      files = 0;
      const { data, errors } = await graphqlPartial<
        Record<string, Record<string, BlobNode | null> | null>
      >(client, extraFilesQuery(current));
      current.forEach((r, i) => {
        const target = extra.find(
          p => p.node.owner.login === r.owner && p.node.name === r.name,
        )!;
        const got = data?.[`r${i}`];
        r.paths.forEach((path, j) => {
          if (!got) {
            target.inputs.fileErrors.push({
              path,
              message: `not read: ${messageOf(
                errors.get(`r${i}`) ?? errors.get(''),
              )}`,
            });
            return;
          }
          addBlob(target.inputs, path, got[`f${j}`] ?? null);
        });
      });
    };
    for (const r of requests) {
      if (files + r.paths.length > EXTRA_FILES_CHUNK) await flush();
      batch.push(r);
      files += r.paths.length;
    }
    await flush();
    // Remote building blocks and variables: once per referenced file for the whole scan.
    await this.blocks.complete(
      client,
      parsed.map(p => ({
        owner: p.node.owner.login,
        name: p.node.name,
        inputs: p.inputs,
        parses,
      })),
    );

    const records: RepoScanRecord[] = [];
    await pool(parsed, RUN_CONCURRENCY, async p => {
      const { node, inputs } = p;
      const prev = known.get(repoKey(node.owner.login, node.name));
      const { scorecard } = this.options.config;
      // Inspected once: the proof workflows come from the inspection the scorecard reads.
      const { workflows } = createScorecardContext(
        {
          defaultBranch: inputs.defaultBranch,
          files: inputs.files,
          blocks: inputs.blocks,
        },
        scorecard,
        this.now(),
        { parses },
      );
      const proof = findProofWorkflows(
        workflows,
        scorecard.proofWorkflows,
      ).found.map(w => w.path);
      const atHead = finishedRunsAtHead(node, proof);
      const rest = proof.filter(path => !atHead[path]);
      const runs = await this.fetchRuns(
        client,
        node.owner.login,
        node.name,
        inputs.defaultBranch,
        rest,
        prev?.runs ?? {},
      );
      records.push(
        this.evaluate(
          node,
          inputs,
          { ...runs.runs, ...atHead },
          undefined,
          workflows,
        ),
      );
      progress.repoFetched();
      progress.repoDone();
    });
    return records;
  }

  /** The scorecard inputs found in a content node, and the paths still to read. */
  private parseContent(node: RepoContentNode): {
    inputs: RepoInputs;
    extra: string[];
  } {
    const config = this.options.config.scorecard;
    const inputs: RepoInputs = {
      defaultBranch: node.defaultBranchRef?.name ?? 'main',
      files: {},
      fileErrors: [],
    };
    const walk = (
      entries: TreeEntryNode[] | undefined,
      visit: (e: TreeEntryNode) => void,
    ) => {
      for (const e of entries ?? []) {
        visit(e);
        if (e.object?.entries) walk(e.object.entries, visit);
      }
    };
    walk(node.github?.entries, e => {
      if (e.type === 'blob' && isScorecardInput(e.path, config))
        addBlob(inputs, e.path, (e.object as BlobNode) ?? null);
    });
    this.fixed.forEach((path, i) => {
      const blob = node[`f${i}`];
      if (blob && isScorecardInput(path, config)) addBlob(inputs, path, blob);
      // The wrapper's presence declares the Bazel contract even when its text is not an input.
      else if (blob && path === config.bazelWrapper)
        inputs.files[path] = blob.text ?? '';
    });
    const extra: string[] = [];
    walk(node.root?.entries, e => {
      if (
        e.type === 'blob' &&
        !e.path.startsWith('.github/') &&
        !(e.path in inputs.files) &&
        !this.fixed.includes(e.path) &&
        isScorecardInput(e.path, config)
      )
        extra.push(e.path);
    });
    return { inputs, extra };
  }

  /** Latest default-branch run per proof workflow; an unchanged one answers 304 (free). */
  private async fetchRuns(
    client: GitHubClient,
    owner: string,
    name: string,
    branch: string,
    paths: string[],
    prev: Record<string, StoredRun>,
  ): Promise<{ runs: Record<string, StoredRun>; changed: boolean }> {
    const runs: Record<string, StoredRun> = {};
    let changed = Object.keys(prev).sort().join() !== [...paths].sort().join();
    for (const path of paths) {
      const before = prev[path];
      try {
        const res = await client.octokit.request(
          'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
          {
            owner,
            repo: name,
            workflow_id: fileName(path),
            branch,
            // a run still going has no conclusion yet: the latest finished one is the proof
            status: 'completed',
            per_page: 1,
            headers: before?.etag ? { 'if-none-match': before.etag } : {},
          },
        );
        const latest = res.data.workflow_runs[0];
        const run: WorkflowRunSummary | null = latest
          ? {
              workflowPath: path,
              name: latest.name ?? undefined,
              conclusion: latest.conclusion ?? null,
              url: latest.html_url,
            }
          : null;
        runs[path] = {
          etag: (res.headers.etag as string | undefined) ?? null,
          run,
        };
        changed = true;
      } catch (e) {
        if (statusOf(e) === 304 && before) runs[path] = before;
        else if (statusOf(e) === 404) {
          runs[path] = { etag: null, run: null };
          changed ||= !!before?.run;
        } else {
          // Not decisive: keep what was known; the proof check says unknown without a run.
          this.options.logger.debug(
            `adoption: runs of ${owner}/${name} ${path}: ${messageOf(e)}`,
          );
          runs[path] = before ?? { etag: null, run: null };
        }
      }
    }
    return { runs, changed };
  }

  /**
   * An unchanged repository: runs re-checked (304s) when `recheckRuns`, re-evaluated only when
   * something moved. Without a listed head its pull requests stay as they were.
   */
  private async refresh(
    client: GitHubClient,
    prev: RepoScanRecord,
    head: RepoHeadNode | null,
    recheckRuns: boolean,
  ): Promise<RepoScanRecord> {
    const { runs, changed } = recheckRuns
      ? await this.fetchRuns(
          client,
          prev.owner,
          prev.name,
          prev.inputs.defaultBranch,
          Object.keys(prev.runs),
          prev.runs,
        )
      : { runs: prev.runs, changed: false };
    // Pull requests move without the default branch moving: they come with every heads page.
    const pulls = head
      ? migrationPullRequestsOf(head, this.options.config.migrationPullRequests)
      : prev.result.migrationPullRequests ?? [];
    const pullsChanged =
      !!head &&
      JSON.stringify(pulls) !==
        JSON.stringify(prev.result.migrationPullRequests ?? null);
    const now = this.now();
    const sameDay = prev.result.scorecard.evaluatedAt.slice(0, 10) === DAY(now);
    if (
      !changed &&
      !pullsChanged &&
      sameDay &&
      prev.configHash === this.configHash &&
      !prev.result.stale
    )
      return prev;
    const r = prev.result;
    return this.evaluate(
      {
        name: r.name,
        nameWithOwner: `${r.owner}/${r.name}`,
        url: r.url,
        isFork: r.fork,
        isArchived: r.archived,
        pushedAt: null,
        owner: { login: r.owner },
        defaultBranchRef: {
          name: prev.inputs.defaultBranch,
          target: { oid: prev.headOid ?? undefined },
        },
      },
      prev.inputs,
      runs,
      pulls,
    );
  }

  private evaluate(
    node: RepoHeadNode,
    inputs: RepoInputs,
    runs: Record<string, StoredRun>,
    pulls: MigrationPullRequest[] = migrationPullRequestsOf(
      node,
      this.options.config.migrationPullRequests,
    ),
    /** The inputs' workflows as inspected already (see createScorecardContext). */
    workflows?: WorkflowInspection[],
  ): RepoScanRecord {
    const now = this.now();
    const latestRuns = Object.values(runs).flatMap(r => (r.run ? [r.run] : []));
    const result = buildRepoAdoption(
      {
        owner: node.owner.login,
        name: node.name,
        htmlBaseUrl: htmlBase(node),
        headOid: headOid(node) ?? '',
        scannedAt: now.toISOString(),
        archived: node.isArchived,
        fork: node.isFork,
        snapshot: {
          defaultBranch: inputs.defaultBranch,
          files: inputs.files,
          latestRuns,
          blocks: inputs.blocks,
        },
        fileErrors: inputs.fileErrors,
        migrationPullRequests: pulls,
      },
      {
        config: this.options.config.scorecard,
        tranches: this.options.config.tranches,
        now,
        workflows,
      },
    );
    return {
      owner: node.owner.login,
      name: node.name,
      headOid: headOid(node),
      scannedAt: now.getTime(),
      inputs,
      runs,
      result,
      configHash: this.configHash,
    };
  }

  /** A repository that could not be read: the previous result marked stale, or an empty one. */
  private failed(
    node: { owner: { login: string }; name: string },
    e: Error,
    prev?: RepoScanRecord,
  ): RepoScanRecord {
    const error = {
      message: messageOf(e),
      ...(statusOf(e) && { status: statusOf(e) }),
    };
    this.options.logger.warn(
      `adoption: ${node.owner.login}/${node.name}: ${error.message}`,
    );
    if (prev)
      return { ...prev, result: { ...prev.result, stale: true, error } };
    const inputs: RepoInputs = {
      defaultBranch: 'main',
      files: {},
      fileErrors: [],
    };
    const record = this.evaluate(
      {
        name: node.name,
        nameWithOwner: `${node.owner.login}/${node.name}`,
        url: '',
        isFork: false,
        isArchived: false,
        pushedAt: null,
        owner: node.owner,
        defaultBranchRef: null,
      },
      inputs,
      {},
    );
    return {
      ...record,
      headOid: null,
      result: { ...record.result, stale: true, error },
    };
  }
}

/**
 * The latest finished run of each proof workflow at the head commit, from its check suites; a
 * workflow with none finished there (never run, still running) is asked of REST, which knows
 * earlier commits' runs.
 */
function finishedRunsAtHead(
  node: RepoContentNode,
  paths: string[],
): Record<string, StoredRun> {
  const out: Record<string, StoredRun> = {};
  for (const suite of node.headSuites?.checkSuites?.nodes ?? []) {
    const run = suite?.workflowRun;
    const path = run?.file?.path;
    if (!run || !path || !paths.includes(path) || suite.status !== 'COMPLETED')
      continue;
    // oldest first: a later suite of the same workflow replaces an earlier one
    out[path] = {
      etag: null,
      run: {
        workflowPath: path,
        name: run.workflow.name,
        conclusion: suite.conclusion?.toLowerCase() ?? null,
        url: run.url,
      },
    };
  }
  return out;
}

function headOid(node: RepoHeadNode): string | null {
  return node.defaultBranchRef?.target?.oid ?? null;
}

function htmlBase(node: RepoHeadNode): string {
  const suffix = `/${node.nameWithOwner}`;
  return node.url.endsWith(suffix)
    ? node.url.slice(0, -suffix.length)
    : 'https://github.com';
}

/** Records a blob: its text, or why it has none (GitHub returns no text for binary or large blobs). */
function addBlob(inputs: RepoInputs, path: string, blob: BlobNode | null) {
  if (!blob) return;
  if (blob.text !== null && blob.text !== undefined) {
    inputs.files[path] = blob.text;
    return;
  }
  const error: AdoptionFileError = blob.isBinary
    ? { path, message: 'binary file: not analysed' }
    : {
        path,
        message: `not analysed: ${blob.byteSize} bytes is over the GitHub API's text size limit`,
      };
  // A binary image under .github is not a problem; a binary workflow or config is.
  if (
    !blob.isBinary ||
    /\.(ya?ml|nix|bazelrc|md|sh)$|(^|\/)\.(env|envrc)/.test(path)
  )
    inputs.fileErrors.push(error);
}

export type { RepoAdoption };
