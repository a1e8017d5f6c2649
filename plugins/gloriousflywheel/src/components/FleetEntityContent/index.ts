export { FleetEntityContent } from './FleetEntityContent';
export { isFleetContentAvailable } from './isFleetContentAvailable';
