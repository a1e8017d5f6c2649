export { CachesPage } from './CachesPage';
