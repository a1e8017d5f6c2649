export * from './types';
export { buildRepoAdoption, formatScorecardCounts } from './buildRepoAdoption';
export type {
  RepoAdoptionInput,
  RepoAdoptionOptions,
} from './buildRepoAdoption';
export { SCORECARD_HOW_TO_FIX, DEFAULT_HOW_TO_FIX } from './howToFix';
