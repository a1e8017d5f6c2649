import { MAX_BLOCK_DEPTH } from './followBlocks';
import { inspectRepoWorkflows } from './inspectWorkflow';
import {
  RemoteBlockFile,
  RemoteFileRead,
  WorkflowAnalysisOptions,
  WorkflowBlockSources,
  WorkflowJobInspection,
} from './types';

/**
 * The key of a remote block file in {@link WorkflowBlockSources.remoteFiles}:
 * `owner/repo/path@ref`, owner and repo lower-cased (GitHub compares them so).
 *
 * @public
 */
export function remoteBlockFileKey(file: RemoteBlockFile): string {
  return `${file.owner.toLowerCase()}/${file.repo.toLowerCase()}/${file.path}@${
    file.ref
  }`;
}

/**
 * Analysis options reading from stored {@link WorkflowBlockSources}, so the backend (stored
 * inputs) and the CLI (checkouts) hand the analysis the same things.
 *
 * @public
 */
export function blockSourceOptions(
  sources: WorkflowBlockSources | undefined,
): Pick<WorkflowAnalysisOptions, 'readRemoteFile' | 'variables'> {
  if (!sources) return {};
  const { remoteFiles, variables } = sources;
  return {
    ...(remoteFiles && {
      readRemoteFile: (file: RemoteBlockFile) =>
        remoteFiles[remoteBlockFileKey(file)],
    }),
    ...(variables && { variables }),
  };
}

/** Inspects the repository's workflows with remote files answered from `known`. */
function walkRemoteFiles(
  files: Readonly<Record<string, string>>,
  known: Readonly<Record<string, RemoteFileRead>>,
  owners: readonly string[],
  options: Omit<WorkflowAnalysisOptions, 'readRemoteFile'>,
) {
  const followed = new Set(owners.map(o => o.toLowerCase()));
  const wanted = new Map<string, RemoteBlockFile>();
  const used: Record<string, RemoteFileRead> = {};
  const want = (file: RemoteBlockFile) => {
    const key = remoteBlockFileKey(file);
    if (!(key in known)) wanted.set(key, file);
  };
  const readRemoteFile = (file: RemoteBlockFile) => {
    if (!followed.has(file.owner.toLowerCase())) return undefined;
    const key = remoteBlockFileKey(file);
    const got = known[key];
    if (got) {
      used[key] = got;
      return got;
    }
    want(file);
    // Actions may be action.yml or action.yaml: ask for both in the same round.
    if (/(^|\/)action\.yml$/.test(file.path))
      want({ ...file, path: file.path.replace(/yml$/, 'yaml') });
    return undefined;
  };
  const workflows = inspectRepoWorkflows(files, { ...options, readRemoteFile });
  return { wanted: [...wanted.values()], used, workflows };
}

/**
 * The remote block files the repository's workflows need that `known` does not hold yet, for
 * owners in `owners` (compared case-insensitively). A caller reads them (the backend in one
 * batch per round, the CLI from checkouts), adds them to `known` and asks again until none are
 * left: each round follows one more level, so at most `MAX_BLOCK_DEPTH` + 1 rounds.
 *
 * @public
 */
export function wantedRemoteFiles(
  files: Readonly<Record<string, string>>,
  known: Readonly<Record<string, RemoteFileRead>>,
  owners: readonly string[],
  options: Omit<WorkflowAnalysisOptions, 'readRemoteFile'> = {},
): RemoteBlockFile[] {
  return walkRemoteFiles(files, known, owners, options).wanted;
}

/**
 * What a repository's analysis reads of `known` (to store with its inputs), and the Actions
 * variables its `runs-on` and job `if:` expressions mention (`vars.NAME` as written), so a scan
 * reads variables only where they matter.
 *
 * @public
 */
export function remoteFilesAndVariablesUsed(
  files: Readonly<Record<string, string>>,
  known: Readonly<Record<string, RemoteFileRead>>,
  owners: readonly string[],
  options: Omit<WorkflowAnalysisOptions, 'readRemoteFile'> = {},
): { remoteFiles: Record<string, RemoteFileRead>; variables: string[] } {
  const { used, workflows } = walkRemoteFiles(files, known, owners, options);
  const variables = new Set<string>();
  const visit = (jobs: WorkflowJobInspection[], depth: number) => {
    for (const job of jobs) {
      job.runnerChoice?.variables.forEach(v => variables.add(v.name));
      if (job.called && depth < MAX_BLOCK_DEPTH)
        visit(job.called.jobs, depth + 1);
    }
  };
  for (const workflow of workflows) visit(workflow.jobs, 0);
  return { remoteFiles: used, variables: [...variables] };
}

/**
 * Reads every remote block file the workflows need with a synchronous reader (the CLI's
 * checkouts), round by round as {@link wantedRemoteFiles} says; what the reader has no source
 * for (undefined) stays out, so it reads as "not followed".
 *
 * @public
 */
export function gatherRemoteFiles(
  files: Readonly<Record<string, string>>,
  owners: readonly string[],
  read: (file: RemoteBlockFile) => RemoteFileRead | undefined,
  options: Omit<WorkflowAnalysisOptions, 'readRemoteFile'> = {},
): Record<string, RemoteFileRead> {
  const known: Record<string, RemoteFileRead> = {};
  const asked = new Set<string>();
  for (let round = 0; round <= MAX_BLOCK_DEPTH * 2; round++) {
    const wanted = wantedRemoteFiles(files, known, owners, options).filter(
      f => !asked.has(remoteBlockFileKey(f)),
    );
    if (wanted.length === 0) break;
    for (const file of wanted) {
      const key = remoteBlockFileKey(file);
      asked.add(key);
      // Undefined: the reader has no source for it, so it stays "not followed".
      const got = read(file);
      if (got) known[key] = got;
    }
  }
  return known;
}
