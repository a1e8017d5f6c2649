export { GloriousFlywheelEntityContent } from './GloriousFlywheelEntityContent';
export { isGloriousFlywheelContentAvailable } from './isGloriousFlywheelContentAvailable';
