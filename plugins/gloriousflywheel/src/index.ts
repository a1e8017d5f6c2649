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
  EntityGloriousFlywheelContent,
  EntityFleetContent,
} from './plugin';
export { isRepoAdoptionAvailable } from './components/RepoAdoptionContent/projectSlug';
export {
  isGloriousFlywheelContentAvailable,
  isFleetContentAvailable,
} from './components/EntityContent/isGloriousFlywheelContentAvailable';
export * from './api';
