import type {
  GitHubPullRequest,
  GitHubWorkflowRun,
  GitObject,
  RepoState,
} from './store';

/**
 * The GraphQL node builders of the sandbox, one module per resource (graphqlGitObjects.ts,
 * graphqlRepositories.ts, graphqlPullRequests.ts); each reaches the others through this object.
 */
export interface GraphqlNodes {
  objectNode(
    repo: RepoState,
    obj: GitObject | undefined,
    dirPath?: string,
  ): any;
  checkSuiteNode(repo: RepoState, run: GitHubWorkflowRun): any;
  orgNode(): any;
  repoNode(r: RepoState): any;
  /** `Organization.repositories` with GitHub's filters and orderBy */
  repoConnection(args: any): any;
  pullRequestNode(r: RepoState, pr: GitHubPullRequest): any;
  /** `Repository.pullRequests` with GitHub's filters: states, labels (any of), head/base ref, orderBy */
  pullRequestConnection(r: RepoState, args: any): any;
}
