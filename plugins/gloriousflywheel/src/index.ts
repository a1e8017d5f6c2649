/**
 * GloriousFlywheel frontend plugin (legacy frontend system exports; new system in `/alpha`).
 *
 * @packageDocumentation
 */
export {
  gloriousflywheelPlugin,
  GloriousFlywheelPage,
  RunnerClassesPage,
  CachesPage,
  AuditLogPage,
  EntityFleetContent,
} from './plugin';
export { isFleetResource } from './components/FleetEntityContent/isFleetResource';
export * from './api';
