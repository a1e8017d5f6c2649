export { RepoAdoptionContent, RepoAdoptionCard, RepoAdoptionView } from './RepoAdoptionContent';
export { isGitHubComponent, repoOfEntity } from './projectSlug';
