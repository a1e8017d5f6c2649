export { TranchesPage } from './TranchesPage';
