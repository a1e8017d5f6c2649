export { VerdictChip, StageChip, HostedChip } from './VerdictChip';
