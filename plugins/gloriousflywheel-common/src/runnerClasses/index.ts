export * from './runnerClass';
export * from './matchRunnerClass';
export * from './suggestRunnerClass';
