export { ScaleSetTable } from './ScaleSetTable';
