export { AsyncContent, AsyncError, AsyncTable } from './AsyncContent';
export type { AsyncEmpty, AsyncState } from './AsyncContent';
