export { RunnerClassesPage } from './RunnerClassesPage';
