import { SeedScaleSet } from '../seed/fleetSeed';

/**
 * What a GitOps sync (Argo CD, Flux, or `tofu apply` re-applying the Helm release) does to a
 * scale set someone changed by hand: it writes the desired bounds back. As a merge patch, an absent
 * desired maxRunners (unlimited) removes the live one; annotations the tool does not own (the
 * portal's paused-from) stay, as Helm's three-way merge leaves them.
 */
export function reapplyPatch(desired: SeedScaleSet): object {
  return {
    spec: {
      minRunners: desired.minRunners ?? null,
      maxRunners: desired.maxRunners ?? null,
    },
  };
}
