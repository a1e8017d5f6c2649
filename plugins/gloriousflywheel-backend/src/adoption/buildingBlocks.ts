import { LoggerService } from '@backstage/backend-plugin-api';
import {
  RemoteBlockFile,
  RemoteFileRead,
  ScorecardConfig,
  remoteBlockFileKey,
  remoteFilesAndVariablesUsed,
  wantedRemoteFiles,
  WorkflowParseCache,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GitHubClient, graphqlPartial, statusOf } from './GitHubClient';
import { EXTRA_FILES_CHUNK } from './queries';
import { RepoInputs } from './types';

/** The org whose repositories hold the platform's own building blocks (setup-flywheel, nix-job). */
export const PLATFORM_ORG = 'tinyland-inc';

/** Most rounds of reading remote blocks: one per nesting level, and one for `action.yaml`. */
const MAX_ROUNDS = 10;
/**
 * Remote files one repository may have read per round, and all repositories per scan: workflow
 * authors choose how many blocks they reference, the scan's request budget must not follow them.
 * Files over the limits stay unread and the analysis says "not followed".
 */
export const MAX_REMOTE_FILES_PER_REPO = 100;
export const MAX_REMOTE_FILES_PER_SCAN = 2000;
/**
 * Actions-variables requests per scan unless `gloriousflywheel.github.variableReadsPerScan` says
 * otherwise: variables are one REST request per repository, so by default a cold scan of 10,000
 * repositories stays within 0.0105 requests per repository. A repository over the budget keeps the
 * variables of its last read, or has them unread (every candidate kept, the verdict names them).
 */
export const DEFAULT_VARIABLE_READS_PER_SCAN = 2;

const BLOB = '... on Blob { text byteSize isBinary }';

interface BlobAnswer {
  text: string | null;
  byteSize: number;
  isBinary: boolean | null;
}

/**
 * Files of referenced repositories at the refs callers pin: one alias per referenced repository
 * (not per caller), one `object(expression: "<ref>:<path>")` per file.
 */
export function remoteBlocksQuery(files: RemoteBlockFile[]): {
  query: string;
  aliases: Map<string, { repo: string; file: RemoteBlockFile }>;
} {
  const byRepo = new Map<string, RemoteBlockFile[]>();
  for (const f of files) {
    const repo = `${f.owner}/${f.repo}`.toLowerCase();
    if (!byRepo.has(repo)) byRepo.set(repo, []);
    byRepo.get(repo)!.push(f);
  }
  const aliases = new Map<string, { repo: string; file: RemoteBlockFile }>();
  const parts = [...byRepo.values()].map((list, i) => {
    const fields = list
      .map((f, j) => {
        aliases.set(`r${i}.f${j}`, { repo: `r${i}`, file: f });
        return `f${j}: object(expression: ${JSON.stringify(
          `${f.ref}:${f.path}`,
        )}) { ${BLOB} }`;
      })
      .join(' ');
    return `r${i}: repository(owner: ${JSON.stringify(
      list[0].owner,
    )}, name: ${JSON.stringify(list[0].repo)}) { ${fields} }`;
  });
  return {
    query: `query AdoptionBuildingBlocks {
  ${parts.join('\n  ')}
  rateLimit { cost remaining resetAt }
}`,
    aliases,
  };
}

/** Stored Actions variables of one repository or org, with the ETag they came with. */
export interface StoredVariables {
  etag: string | null;
  /** null: not readable with the scan's credentials (every candidate is then checked). */
  values: Record<string, string> | null;
}

/**
 * Reads what repositories' workflows run beyond their own files, for one scan: remote building
 * blocks of the followed orgs, each file once per (repository, path, ref) for the whole scan,
 * in batched GraphQL queries; and Actions variables, only for repositories whose `runs-on` or job
 * `if:` mentions `vars.`, with ETags so an unchanged answer is a free 304.
 */
export class BuildingBlockReader {
  /** Remote files read in this scan, by remoteBlockFileKey. */
  private readonly files: Record<string, RemoteFileRead> = {};
  private filesRead = 0;
  /** Org variables by org, read at most once per scan (ETag'd across scans). */
  private readonly orgVariables = new Map<string, StoredVariables>();
  private readonly orgVariablesRead = new Set<string>();
  /** Orgs where a repository's variables could not be read in this scan: the rest are not tried. */
  private readonly variablesUnreadable = new Set<string>();
  /** Actions-variables requests made in this scan (bounded by variableReadsPerScan). */
  private variableReads = 0;

  constructor(
    private readonly options: {
      /** Orgs whose remote blocks are followed. */
      owners: readonly string[];
      scorecard: ScorecardConfig;
      logger: LoggerService;
      /** Actions-variables requests per scan (default DEFAULT_VARIABLE_READS_PER_SCAN). */
      variableReadsPerScan?: number;
    },
  ) {}

  private analysisOptions(parses?: WorkflowParseCache) {
    const { runnerClasses, hostedLabels } = this.options.scorecard;
    return { runnerClasses, hostedLabels, parses };
  }

  /**
   * Reads the remote blocks and variables these repositories need and stores them in each one's
   * `inputs.blocks`. Errors are kept per file (the analysis then says why it was not followed).
   * A repository's `parses` spare its files a parse in every round.
   */
  async complete(
    client: GitHubClient,
    repos: {
      owner: string;
      name: string;
      inputs: RepoInputs;
      parses?: WorkflowParseCache;
    }[],
  ): Promise<void> {
    const { owners } = this.options;
    // Most repositories reference no followed block and read no variable: a text search spares
    // them the extra analysis passes.
    const mentions = (inputs: RepoInputs) => {
      const needles = owners.map(o => `${o.toLowerCase()}/`);
      return Object.entries(inputs.files).some(([path, text]) => {
        if (!path.startsWith('.github/')) return false;
        const lower = text.toLowerCase();
        return lower.includes('vars.') || needles.some(n => lower.includes(n));
      });
    };
    const relevant = repos.filter(r => mentions(r.inputs));
    const kept = new Set(relevant);
    for (const r of repos) {
      if (kept.has(r)) continue;
      delete r.inputs.blocks;
      delete r.inputs.variables;
    }
    // Only repositories that still wanted files are looked at again in the next round.
    let pending = relevant;
    for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
      const wanted = new Map<string, RemoteBlockFile>();
      const next: typeof repos = [];
      for (const r of pending) {
        const files = wantedRemoteFiles(
          r.inputs.files,
          this.files,
          owners,
          this.analysisOptions(r.parses),
        );
        if (files.length > 0) next.push(r);
        for (const f of files.slice(0, MAX_REMOTE_FILES_PER_REPO))
          wanted.set(remoteBlockFileKey(f), f);
      }
      const room = MAX_REMOTE_FILES_PER_SCAN - this.filesRead;
      if (room <= 0) {
        if (wanted.size > 0)
          this.options.logger.warn(
            `adoption: more than ${MAX_REMOTE_FILES_PER_SCAN} remote building-block files in one scan; the rest are not followed`,
          );
        break;
      }
      const batch = [...wanted.values()].slice(0, room);
      this.filesRead += batch.length;
      if (batch.length > 0) await this.read(client, batch);
      pending = next;
    }
    for (const r of relevant) {
      const { remoteFiles, variables } = remoteFilesAndVariablesUsed(
        r.inputs.files,
        this.files,
        owners,
        this.analysisOptions(r.parses),
      );
      const prev = r.inputs.variables;
      let known: Record<string, string> | undefined;
      if (variables.length > 0) {
        const org = await this.orgVars(client, r.owner);
        // Credentials that cannot read one repository's variables cannot read the next one's:
        // one refusal per org and scan, not one per repository.
        const owner = r.owner.toLowerCase();
        let repo: StoredVariables = { etag: null, values: null };
        if (!this.variablesUnreadable.has(owner)) {
          if (this.variableBudgetLeft()) {
            repo = await this.readVariables(
              client,
              `/repos/${r.owner}/${r.name}/actions/variables`,
              prev,
            );
            if (!repo.values) this.variablesUnreadable.add(owner);
          } else if (prev) repo = prev; // over the budget: what the last read found
        }
        r.inputs.variables = repo;
        // Repository values win over the org's, as in GitHub.
        if (org.values || repo.values)
          known = { ...org.values, ...repo.values };
        // With both lists read, a mentioned variable in neither is unset: ''.
        if (org.values && repo.values) {
          // Names are case-insensitive, as in GitHub.
          const names = new Set(Object.keys(known!).map(k => k.toLowerCase()));
          for (const name of variables) {
            const bare = name.replace(/^vars\./i, '');
            if (!names.has(bare.toLowerCase())) known![bare] = '';
          }
        }
      } else delete r.inputs.variables;
      const blocks = {
        ...(Object.keys(remoteFiles).length > 0 && { remoteFiles }),
        ...(known && { variables: known }),
      };
      if (Object.keys(blocks).length > 0) r.inputs.blocks = blocks;
      else delete r.inputs.blocks;
    }
  }

  /** One batched query per EXTRA_FILES_CHUNK files; a failed alias marks its files unreadable. */
  private async read(client: GitHubClient, files: RemoteBlockFile[]) {
    for (let i = 0; i < files.length; i += EXTRA_FILES_CHUNK) {
      const chunk = files.slice(i, i + EXTRA_FILES_CHUNK);
      const { query, aliases } = remoteBlocksQuery(chunk);
      const answer = await graphqlPartial<
        Record<string, Record<string, BlobAnswer | null> | null>
      >(client, query).catch((e: unknown) => {
        this.options.logger.warn(
          `adoption: building blocks not read: ${String(
            (e as Error)?.message ?? e,
          )}`,
        );
        for (const f of chunk)
          this.files[remoteBlockFileKey(f)] = {
            error: 'not read from GitHub',
          };
        return undefined;
      });
      if (!answer) continue;
      const { data, errors } = answer;
      for (const [alias, { repo, file }] of aliases) {
        const key = remoteBlockFileKey(file);
        const node = data?.[repo];
        if (!node) {
          // An invisible or absent repository: followed, but unreadable.
          this.files[key] = {
            error: errors.get(repo)?.message ?? 'repository not readable',
          };
          continue;
        }
        const blob = node[alias.slice(repo.length + 1)];
        if (!blob) this.files[key] = { missing: true };
        else if (blob.text === null || blob.text === undefined)
          this.files[key] = {
            error: blob.isBinary
              ? 'binary file'
              : `${blob.byteSize} bytes is over the GitHub API's text size limit`,
          };
        else this.files[key] = { text: blob.text };
      }
    }
  }

  private async orgVars(
    client: GitHubClient,
    org: string,
  ): Promise<StoredVariables> {
    const lower = org.toLowerCase();
    if (!this.orgVariablesRead.has(lower)) {
      // Over the budget: the org's variables as last read, if ever.
      if (!this.variableBudgetLeft())
        return this.orgVariables.get(lower) ?? { etag: null, values: null };
      this.orgVariablesRead.add(lower);
      this.orgVariables.set(
        lower,
        await this.readVariables(
          client,
          `/orgs/${org}/actions/variables`,
          this.orgVariables.get(lower),
        ),
      );
    }
    return this.orgVariables.get(lower)!;
  }

  /** Counts one variables request if the scan's budget allows it. */
  private variableBudgetLeft(): boolean {
    const budget =
      this.options.variableReadsPerScan ?? DEFAULT_VARIABLE_READS_PER_SCAN;
    if (this.variableReads >= budget) {
      if (this.variableReads === budget) {
        this.variableReads++;
        this.options.logger.warn(
          `adoption: ${budget} Actions-variables requests this scan (variableReadsPerScan); the rest keep their last values or stay unread`,
        );
      }
      return false;
    }
    this.variableReads++;
    return true;
  }

  /** Forgets what was read in the last scan, keeping org variables' ETags for the next. */
  startScan() {
    this.variableReads = 0;
    for (const key of Object.keys(this.files)) delete this.files[key];
    this.filesRead = 0;
    this.orgVariablesRead.clear();
    this.variablesUnreadable.clear();
  }

  /** The first page of Actions variables (30, GitHub's maximum), ETag'd; 403/404 mean not readable. */
  private async readVariables(
    client: GitHubClient,
    path: string,
    prev: StoredVariables | undefined,
  ): Promise<StoredVariables> {
    try {
      const res = await client.octokit.request(`GET ${path}`, {
        per_page: 30,
        headers: prev?.etag ? { 'if-none-match': prev.etag } : {},
      });
      const values: Record<string, string> = {};
      for (const v of (
        res.data as { variables?: { name: string; value: string }[] }
      ).variables ?? [])
        values[v.name] = v.value;
      return { etag: (res.headers.etag as string | undefined) ?? null, values };
    } catch (e) {
      if (statusOf(e) === 304 && prev) return prev;
      if (statusOf(e) !== 403 && statusOf(e) !== 404)
        this.options.logger.debug(
          `adoption: variables ${path}: ${String((e as Error)?.message ?? e)}`,
        );
      return { etag: null, values: null };
    }
  }
}
