import { createApiRef } from '@backstage/core-plugin-api';
import {
  AdoptionQuery,
  AdoptionScanStatus,
  RepoAdoptionList,
  RepoAdoptionResponse,
  TrancheSummaryList,
  AuditPage,
  AuditQuery,
  AuditVerifyResult,
  CacheDetail,
  ControlAction,
  ControlResult,
  CacheHistory,
  CacheList,
  HealthResponse,
  RunnerClassDetail,
  RunnerClassList,
  ScaleSetDetail,
  ScaleSetList,
  ScaleSetQuery,
  JobDiagnosisResponse,
  QueueStatsList,
  RepoJobList,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * Client for the GloriousFlywheel backend. Components go through this, never through fetch.
 *
 * @public
 */
export interface GloriousFlywheelApi {
  getHealth(): Promise<HealthResponse>;
  getRunnerClasses(): Promise<RunnerClassList>;
  getRunnerClass(name: string): Promise<RunnerClassDetail>;
  /** Every match of the filter, or with `limit` one page of them and their `total`. */
  getScaleSets(query?: ScaleSetQuery): Promise<ScaleSetList>;
  getScaleSet(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<ScaleSetDetail>;
  getCaches(): Promise<CacheList>;
  getCache(name: string): Promise<CacheDetail>;
  /** Probes since `since` (ISO), oldest first, at most `limit`. */
  getCacheHistory(
    name: string,
    options?: { since?: string; limit?: number },
  ): Promise<CacheHistory>;
  /** Pauses (min/max 0) or resumes (prior values) a scale set; the reason is audited. */
  controlScaleSet(
    action: ControlAction,
    target: { cluster: string; namespace: string; name: string },
    reason: string,
  ): Promise<ControlResult>;
  getAudit(query?: AuditQuery): Promise<AuditPage>;
  /** The same records as CSV (up to the server's export limit). */
  getAuditCsv(query?: AuditQuery): Promise<Blob>;
  verifyAudit(): Promise<AuditVerifyResult>;
  getAdoptionRepos(query?: AdoptionQuery): Promise<RepoAdoptionList>;
  getRepoAdoption(owner: string, repo: string): Promise<RepoAdoptionResponse>;
  getTranches(): Promise<TrancheSummaryList>;
  getAdoptionScan(): Promise<AdoptionScanStatus>;
  /** Starts a scan now (permission gloriousflywheel.adoption.scan). */
  startAdoptionScan(): Promise<AdoptionScanStatus>;
  /** Queued/running jobs and queue times per runner class and scale set. */
  getQueueStats(): Promise<QueueStatsList>;
  /** A repository's recent jobs, newest first, with the diagnosis of each waiting one (gloriousflywheel.queue.read). */
  getRepoJobs(
    owner: string,
    repo: string,
    limit?: number,
  ): Promise<RepoJobList>;
  /** One job and why it waits, by repository and job id, or by its URL (gloriousflywheel.queue.read). */
  diagnoseJob(
    job: { owner: string; repo: string; jobId: number } | { url: string },
  ): Promise<JobDiagnosisResponse>;
}

/** @public */
export const gloriousFlywheelApiRef = createApiRef<GloriousFlywheelApi>({
  id: 'plugin.gloriousflywheel.client',
});
