/**
 * GloriousFlywheel backend plugin: fleet, caches, adoption, control and audit.
 *
 * @packageDocumentation
 */
export { gloriousflywheelPlugin as default } from './plugin';
// What a permission policy needs: the sample policy, or conditions and rules of scale sets.
export { GloriousflywheelSamplePolicy } from './control/samplePolicy';
export type { GloriousflywheelSamplePolicyOptions } from './control/samplePolicy';
export {
  createScaleSetConditionalDecision,
  scaleSetConditions,
  scaleSetPermissionResourceRef,
  scaleSetPermissionRules,
} from './control/scaleSetPermissionRules';
export type {
  ScaleSetPermissionQuery,
  ScaleSetResource,
  ScaleSetRuleParams,
} from './control/scaleSetPermissionRules';
