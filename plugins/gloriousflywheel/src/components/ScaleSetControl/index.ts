export { ScaleSetControlButton } from './ScaleSetControlButton';
