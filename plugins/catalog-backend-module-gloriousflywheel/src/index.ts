/**
 * Catalog module for GloriousFlywheel: runner classes, scale sets and build caches as Resource
 * entities, and runner classes, scorecard and tranche on Components.
 *
 * @packageDocumentation
 */
export { catalogModuleGloriousflywheel as default } from './module';
