import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  PauseResumeRequest,
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
import { GloriousFlywheelApi } from './GloriousFlywheelApi';

const segment = encodeURIComponent;

function queryString(query: object, format?: 'csv'): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== '') params.set(k, String(v));
  }
  if (format) params.set('format', format);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/**
 * HTTP implementation of {@link GloriousFlywheelApi}; fetchApi adds the user's token.
 *
 * @public
 */
export class GloriousFlywheelClient implements GloriousFlywheelApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getHealth(): Promise<HealthResponse> {
    return this.get('/health');
  }

  getRunnerClasses(): Promise<RunnerClassList> {
    return this.get('/fleet/classes');
  }

  getRunnerClass(name: string): Promise<RunnerClassDetail> {
    return this.get(`/fleet/classes/${segment(name)}`);
  }

  getScaleSets(query: ScaleSetQuery = {}): Promise<ScaleSetList> {
    const params = new URLSearchParams();
    if (query.cluster) params.set('cluster', query.cluster);
    if (query.namespace) params.set('namespace', query.namespace);
    if (query.runnerClass) params.set('class', query.runnerClass);
    if (query.paused !== undefined) params.set('paused', String(query.paused));
    if (query.q) params.set('q', query.q);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.offset) params.set('offset', String(query.offset));
    const qs = params.toString();
    return this.get(`/fleet/scale-sets${qs ? `?${qs}` : ''}`);
  }

  getScaleSet(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<ScaleSetDetail> {
    return this.get(
      `/fleet/scale-sets/${segment(cluster)}/${segment(namespace)}/${segment(
        name,
      )}`,
    );
  }

  getCaches(): Promise<CacheList> {
    return this.get('/caches');
  }

  getCache(name: string): Promise<CacheDetail> {
    return this.get(`/caches/${segment(name)}`);
  }

  getCacheHistory(
    name: string,
    options: { since?: string; limit?: number } = {},
  ): Promise<CacheHistory> {
    const params = new URLSearchParams();
    if (options.since) params.set('since', options.since);
    if (options.limit) params.set('limit', String(options.limit));
    const qs = params.toString();
    return this.get(`/caches/${segment(name)}/history${qs ? `?${qs}` : ''}`);
  }

  async controlScaleSet(
    action: ControlAction,
    target: { cluster: string; namespace: string; name: string },
    reason: string,
  ): Promise<ControlResult> {
    const path = `/scale-sets/${segment(target.cluster)}/${segment(
      target.namespace,
    )}/${segment(target.name)}/${action}`;
    const res = await this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason } satisfies PauseResumeRequest),
    });
    return res.json();
  }

  getAudit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.get(`/audit${queryString(query)}`);
  }

  async getAuditCsv(query: AuditQuery = {}): Promise<Blob> {
    const res = await this.request(
      `/audit${queryString(
        { ...query, limit: undefined, offset: undefined },
        'csv',
      )}`,
    );
    return res.blob();
  }

  verifyAudit(): Promise<AuditVerifyResult> {
    return this.get('/audit/verify');
  }

  getAdoptionRepos(query: AdoptionQuery = {}): Promise<RepoAdoptionList> {
    return this.get(`/adoption/repos${queryString(query)}`);
  }

  getRepoAdoption(owner: string, repo: string): Promise<RepoAdoptionResponse> {
    return this.get(`/adoption/repos/${segment(owner)}/${segment(repo)}`);
  }

  getTranches(): Promise<TrancheSummaryList> {
    return this.get('/adoption/tranches');
  }

  getAdoptionScan(): Promise<AdoptionScanStatus> {
    return this.get('/adoption/scan');
  }

  async startAdoptionScan(): Promise<AdoptionScanStatus> {
    return (await this.request('/adoption/scan', { method: 'POST' })).json();
  }

  getQueueStats(): Promise<QueueStatsList> {
    return this.get('/queue/stats');
  }

  getRepoJobs(owner: string, repo: string, limit = 30): Promise<RepoJobList> {
    return this.get(
      `/queue/repos/${segment(owner)}/${segment(repo)}/jobs?limit=${limit}`,
    );
  }

  diagnoseJob(
    job: { owner: string; repo: string; jobId: number } | { url: string },
  ): Promise<JobDiagnosisResponse> {
    if ('url' in job)
      return this.get(`/queue/diagnose?url=${encodeURIComponent(job.url)}`);
    return this.get(
      `/queue/jobs/${segment(job.owner)}/${segment(job.repo)}/${job.jobId}`,
    );
  }

  private async get<T>(path: string): Promise<T> {
    return (await (await this.request(path)).json()) as T;
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const base = await this.deps.discoveryApi.getBaseUrl('gloriousflywheel');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`, init);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}
