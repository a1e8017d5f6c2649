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
  EntityRepoAdoptionContent,
  EntityRepoAdoptionCard,
  EntityFleetContent,
} from './plugin';
export { isGitHubComponent } from './components/RepoAdoptionContent/projectSlug';
export { isFleetResource } from './components/FleetEntityContent/isFleetResource';
export * from './api';
