export {
  RepoAdoptionContent,
  RepoAdoptionCard,
  RepoAdoptionView,
} from './RepoAdoptionContent';
export { isRepoAdoptionAvailable, repoOfEntity } from './projectSlug';
