export * from './types';
export { analyzeWorkflow, toWorkflowJob } from './analyzeWorkflow';
export { inspectWorkflow } from './inspectWorkflow';
export { WorkflowParseCache } from './parseCache';
export { DEFAULT_NIX_ACTIONS } from './nixActions';
export type { NixActionKind } from './nixActions';
export {
  blockSourceOptions,
  gatherRemoteFiles,
  remoteBlockFileKey,
  remoteFilesAndVariablesUsed,
  wantedRemoteFiles,
} from './blockSources';
