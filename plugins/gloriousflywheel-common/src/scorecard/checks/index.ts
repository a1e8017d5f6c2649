import { ScorecardCheck } from '../types';
import { bazelCacheWrapperCheck } from './bazelCacheWrapper';
import { hostedRunnersCheck } from './hostedRunners';
import { nixBootstrapOrderCheck } from './nixBootstrapOrder';
import { proofWorkflowsGreenCheck } from './proofWorkflowsGreen';
import { remoteExecutionClaimCheck } from './remoteExecutionClaim';
import { staleCacheEndpointsCheck } from './staleCacheEndpoints';

export {
  bazelCacheWrapperCheck,
  hostedRunnersCheck,
  nixBootstrapOrderCheck,
  proofWorkflowsGreenCheck,
  remoteExecutionClaimCheck,
  staleCacheEndpointsCheck,
};
export { staleEndpointMatcher, staleEndpointRegExp } from './staleCacheEndpoints';
export type { StaleEndpointMatcher } from './staleCacheEndpoints';

/**
 * The dogfood scorecard, in the order it is reported.
 *
 * @public
 */
export const DEFAULT_SCORECARD_CHECKS: readonly ScorecardCheck[] = [
  hostedRunnersCheck,
  staleCacheEndpointsCheck,
  bazelCacheWrapperCheck,
  nixBootstrapOrderCheck,
  proofWorkflowsGreenCheck,
  remoteExecutionClaimCheck,
];
