export { MigrationPullRequestLinks } from './MigrationPullRequests';
