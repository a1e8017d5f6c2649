/**
 * Isomorphic types, permissions and pure rules shared by the GloriousFlywheel plugins and the
 * gf-audit CLI.
 *
 * @packageDocumentation
 */
export * from './health';
export * from './runnerClasses';
export * from './workflows';
export * from './scorecard';
export * from './fleet';
export * from './catalog';
export * from './caches';
export * from './permissions';
export * from './control';
export * from './adoption';
export * from './tranches';
export * from './queue';
