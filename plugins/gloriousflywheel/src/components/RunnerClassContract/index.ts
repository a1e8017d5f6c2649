export { ContractChip } from './ContractChip';
export {
  ContractChecksTable,
  ContractVerdictChip,
} from './ContractChecksTable';
export {
  PauseRevertedNotice,
  PAUSE_THROUGH_GIT_DOCS,
} from './PauseRevertedNotice';
