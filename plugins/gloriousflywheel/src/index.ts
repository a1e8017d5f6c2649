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
  TranchesPage,
  StuckJobPage,
  EntityRepoAdoptionContent,
  EntityRepoAdoptionCard,
  EntityFleetContent,
} from './plugin';
export { isRepoAdoptionAvailable } from './components/RepoAdoptionContent/projectSlug';
export { isFleetContentAvailable } from './components/EntityContent/isFleetContentAvailable';
export * from './api';
