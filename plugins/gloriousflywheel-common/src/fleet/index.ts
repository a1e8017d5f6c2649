export * from './types';
export * from './scaleSet';
export * from './runnerClassSummary';
export * from './names';
