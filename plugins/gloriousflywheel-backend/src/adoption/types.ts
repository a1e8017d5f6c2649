import type {
  AdoptionFileError,
  RepoAdoption,
  WorkflowBlockSources,
  WorkflowRunSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { StoredVariables } from './buildingBlocks';

/** The scorecard inputs of a repository at one head. */
export interface RepoInputs {
  defaultBranch: string;
  files: Record<string, string>;
  fileErrors: AdoptionFileError[];
  /** Remote building blocks its workflows run and the Actions variables their runners read. */
  blocks?: WorkflowBlockSources;
  /** The repository's Actions variables as last read (only when its runners mention `vars.`). */
  variables?: StoredVariables;
}

/** The latest known default-branch run of one proof workflow and the ETag it came with. */
export interface StoredRun {
  etag: string | null;
  run: WorkflowRunSummary | null;
}

/** What the store keeps per repository. */
export interface RepoScanRecord {
  owner: string;
  name: string;
  headOid: string | null;
  /** epoch ms of the last successful read */
  scannedAt: number;
  inputs: RepoInputs;
  /** by workflow path */
  runs: Record<string, StoredRun>;
  result: RepoAdoption;
  configHash: string;
}
