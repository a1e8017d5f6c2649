export { VerdictChip, StageChip } from './VerdictChip';
