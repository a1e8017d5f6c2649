export * from './runnerClass';
export * from './matchRunnerClass';
export * from './suggestRunnerClass';
export * from './contractTypes';
export * from './contractFacts';
export * from './contract';
