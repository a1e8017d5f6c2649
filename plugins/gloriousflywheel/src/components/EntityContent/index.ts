export { GloriousFlywheelEntityContent } from './GloriousFlywheelEntityContent';
export { isFleetContentAvailable } from './isFleetContentAvailable';
