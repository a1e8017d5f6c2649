import { ScorecardCheck } from '../types';
import {
  bazelCacheWrapperCheck,
  cacheAttachmentPreflightCheck,
} from './bazelCacheWrapper';
import { hostedRunnersCheck } from './hostedRunners';
import { nixBootstrapOrderCheck } from './nixBootstrapOrder';
import { proofWorkflowsGreenCheck } from './proofWorkflowsGreen';
import { remoteExecutionClaimCheck } from './remoteExecutionClaim';
import {
  staleCacheEndpointsCheck,
  staleCacheEndpointsDocsCheck,
} from './staleCacheEndpoints';
import { workflowScriptsCheck } from './workflowScripts';

export {
  bazelCacheWrapperCheck,
  cacheAttachmentPreflightCheck,
  hostedRunnersCheck,
  nixBootstrapOrderCheck,
  proofWorkflowsGreenCheck,
  remoteExecutionClaimCheck,
  staleCacheEndpointsCheck,
  staleCacheEndpointsDocsCheck,
  workflowScriptsCheck,
};
export {
  staleEndpointMatcher,
  staleEndpointRegExp,
} from './staleCacheEndpoints';
export type { StaleEndpointMatcher } from './staleCacheEndpoints';
export { findProofWorkflows } from './proofWorkflowsGreen';

/**
 * The dogfood scorecard, in the order it is reported.
 *
 * @public
 */
export const DEFAULT_SCORECARD_CHECKS: readonly ScorecardCheck[] = [
  hostedRunnersCheck,
  staleCacheEndpointsCheck,
  staleCacheEndpointsDocsCheck,
  bazelCacheWrapperCheck,
  cacheAttachmentPreflightCheck,
  nixBootstrapOrderCheck,
  workflowScriptsCheck,
  proofWorkflowsGreenCheck,
  remoteExecutionClaimCheck,
];
