/**
 * GloriousFlywheel frontend plugin (legacy frontend system exports; new system in `/alpha`).
 *
 * @packageDocumentation
 */
export { gloriousflywheelPlugin, GloriousFlywheelPage } from './plugin';
export * from './api';
