export { FleetEntityContent } from './FleetEntityContent';
export { isFleetResource } from './isFleetResource';
