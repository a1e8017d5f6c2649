export * from './types';
export * from './scaleSet';
export * from './runnerClassSummary';
export * from './entityNames';
export * from './names';
