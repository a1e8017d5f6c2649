export * from './types';
export * from './checks';
export { combineVerdicts } from './verdict';
export { matchesPathGlob } from './pathGlob';
export {
  DEFAULT_SCORECARD_CONFIG,
  readScorecardConfig,
} from './scorecardConfig';
export {
  parseExceptionRegister,
  findException,
  isExceptionExpired,
  exceptionStanding,
} from './exceptionRegister';
export type {
  ExceptionRegister,
  ExceptionStanding,
  HostedRunnerException,
} from './exceptionRegister';
export {
  runScorecard,
  createScorecardContext,
  isScorecardInput,
} from './runScorecard';
export type {
  RunScorecardOptions,
  ScorecardContextOptions,
} from './runScorecard';
