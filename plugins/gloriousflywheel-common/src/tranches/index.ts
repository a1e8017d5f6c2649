export * from './types';
export {
  deriveAdoptionStage,
  readTranches,
  trancheOf,
  openBlockersFor,
  blockerUrl,
} from './tranches';
