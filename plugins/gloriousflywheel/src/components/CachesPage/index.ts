export { CachesPage, CacheHistoryCard } from './CachesPage';
export { formatBytes } from './formatBytes';
