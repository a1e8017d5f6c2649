export { ContractChip } from './ContractChip';
export { ContractChecksTable } from './ContractChecksTable';
export {
  PauseRevertedNotice,
  PAUSE_THROUGH_GIT_DOCS,
} from './PauseRevertedNotice';
