export { ClusterSyncBanner, ago } from './ClusterSyncBanner';
