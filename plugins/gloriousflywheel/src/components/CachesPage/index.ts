export { CachesPage, CacheHistoryCard } from './CachesPage';
export { formatCacheSize } from './formatCacheSize';
