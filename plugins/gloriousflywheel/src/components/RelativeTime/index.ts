export { RelativeTime, ago } from './RelativeTime';
