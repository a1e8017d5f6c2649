/**
 * GloriousFlywheel backend plugin: fleet, caches, adoption, control and audit.
 *
 * @packageDocumentation
 */
export { gloriousflywheelPlugin as default } from './plugin';
export * from './control';
