/**
 * GloriousFlywheel backend plugin: fleet, caches, adoption, control and audit.
 *
 * @packageDocumentation
 */
export { gloriousflywheelPlugin as default } from './plugin';
export { catalogModuleGloriousflywheel } from './module';
export { fleetServiceRef } from './fleet/fleetServiceRef';
export type { FleetService, ScaleSetFilter } from './fleet/FleetService';
export * from './control';
