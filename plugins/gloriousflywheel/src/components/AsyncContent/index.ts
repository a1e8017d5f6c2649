export { AsyncContent } from './AsyncContent';
export type { AsyncEmpty, AsyncState } from './AsyncContent';
