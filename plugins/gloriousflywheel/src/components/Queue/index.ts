export { QueueFigures, formatSeconds } from './QueueFigures';
export { DiagnosisView } from './DiagnosisView';
export { RepoJobs } from './RepoJobs';
export { StuckJobPage } from './StuckJobPage';
export { QueueCard } from './QueueCard';
