export {
  scaleSetPermissionResourceRef,
  scaleSetPermissionRules,
  scaleSetConditions,
  createScaleSetConditionalDecision,
} from './scaleSetPermissionRules';
export type {
  ScaleSetResource,
  ScaleSetQuery,
  ScaleSetRuleParams,
} from './scaleSetPermissionRules';
export { GloriousflywheelSamplePolicy } from './samplePolicy';
export type { GloriousflywheelSamplePolicyOptions } from './samplePolicy';
export { ClusterUnreachableError } from './errors';
