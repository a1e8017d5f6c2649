/**
 * The data sources the backend plugin reads, one module each.
 *
 * @public
 */
export type GloriousFlywheelSource = 'fleet' | 'caches' | 'adoption';

/**
 * State of one source: `not-configured` (nothing in app-config), `starting` (configured, first
 * sync not finished), `ok`, `degraded` (partly failing, e.g. one cluster down) or `error`.
 *
 * @public
 */
export type SourceState =
  | 'not-configured'
  | 'starting'
  | 'ok'
  | 'degraded'
  | 'error';

/** @public */
export interface SourceStatus {
  source: GloriousFlywheelSource;
  state: SourceState;
  /** One line a person can act on. */
  message: string;
  /** Number of configured targets (clusters, caches, orgs). */
  configured: number;
  /** ISO time of the last state change, when known. */
  since?: string;
}

/**
 * Whether pause/resume can be used at all. They are refused while the permission framework is
 * off (`permission.enabled` not true), since Backstage would then allow them to everyone.
 *
 * @public
 */
export interface ControlStatus {
  enabled: boolean;
  /** One line a person can act on: why control is off, or who may use it. */
  message: string;
}

/** Response of `GET /api/gloriousflywheel/health`. @public */
export interface HealthResponse {
  plugin: 'gloriousflywheel';
  version: string;
  sources: SourceStatus[];
  /** absent when the backend serves no control routes */
  control?: ControlStatus;
}
