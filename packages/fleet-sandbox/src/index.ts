/**
 * Local fleet sandbox: strict stand-ins for the Kubernetes API (ARC CRDs), the GitHub API and the
 * build caches, for the portal's local default, tests and benchmarks.
 *
 * @packageDocumentation
 */
export * from './sandbox';
export * from './seed/fleetSeed';
export * from './k8s';
export * from './github';
export * from './caches';
export { eventually } from './testing/eventually';
export { createManualClock } from './jobs/simulator';
export type { ManualClock } from './jobs/simulator';
