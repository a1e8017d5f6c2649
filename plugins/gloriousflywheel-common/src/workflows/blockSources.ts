import {
  RemoteBlockFile,
  WorkflowAnalysisOptions,
  WorkflowBlockSources,
} from './types';

/**
 * The key of a remote block file in {@link WorkflowBlockSources.remoteFiles}:
 * `owner/repo/path@ref`, owner and repo lower-cased (GitHub compares them so).
 *
 * @public
 */
export function remoteBlockFileKey(file: RemoteBlockFile): string {
  return `${file.owner.toLowerCase()}/${file.repo.toLowerCase()}/${file.path}@${file.ref}`;
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
