export { CacheStatusChip } from './CacheStatusChip';
