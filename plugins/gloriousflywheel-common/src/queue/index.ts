export * from './types';
export * from './queueStats';
export * from './scaleSetMatch';
export * from './diagnoseJob';
export * from './listenerHealth';
