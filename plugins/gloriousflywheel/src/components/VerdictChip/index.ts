export {
  VerdictChip,
  StageChip,
  HostedChip,
  exceptionProblem,
} from './VerdictChip';
