export * from './runnerClass';
export * from './matchRunnerClass';
