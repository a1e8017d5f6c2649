import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type {
  ControlAction,
  QueueStatsList,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type {
  CacheProbeResult,
  FleetReader,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import type { AuditCompletion } from './database/AuditStore';
import type { GitHubUsage } from './adoption/GitHubClient';

/**
 * The plugin's operator metrics, through Backstage's MetricsService (OpenTelemetry underneath):
 * the one place their names are defined. docs/metrics.md lists them as Prometheus shows them.
 */
export class GloriousflywheelMetrics {
  private readonly scanDuration;
  private readonly githubRequests;
  private readonly rateLimitRemaining;
  private readonly probeDuration;
  private readonly controlRequests;

  constructor(private readonly metrics: MetricsService, fleet?: FleetReader) {
    this.scanDuration = metrics.createHistogram<{
      trigger: string;
      outcome: string;
    }>('gloriousflywheel.adoption.scan.duration', {
      description:
        'Duration of full adoption scans, by trigger and outcome (idle = succeeded, failed)',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
      },
    });
    this.githubRequests = metrics.createCounter<{ org: string; kind: string }>(
      'gloriousflywheel.github.requests',
      {
        description:
          'GitHub API requests made by the adoption scan and rescans (kind: graphql, rest, rest_304)',
      },
    );
    this.rateLimitRemaining = metrics.createGauge<{ org: string }>(
      'gloriousflywheel.github.rate_limit.remaining',
      {
        description:
          'GitHub rate limit left, as the latest response reported it',
      },
    );
    this.probeDuration = metrics.createHistogram<{
      cache: string;
      status: string;
    }>('gloriousflywheel.cache.probe.duration', {
      description:
        'Wall time of each cache probe, by cache and resulting status',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [
          0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
        ],
      },
    });
    this.controlRequests = metrics.createCounter<{
      action: string;
      outcome: string;
    }>('gloriousflywheel.control.requests', {
      description:
        'Pause and resume requests by action and audited outcome (succeeded, failed, denied)',
    });
    if (fleet) {
      // Read when scraped: the informers' own state, nothing kept twice.
      metrics
        .createObservableGauge<{ cluster: string }>(
          'gloriousflywheel.fleet.cluster.synced',
          {
            description:
              'Whether the cluster watch is synced (1) or starting, stale or failing (0)',
          },
        )
        .addCallback(result => {
          for (const c of fleet.clusters())
            result.observe(c.state === 'synced' ? 1 : 0, { cluster: c.name });
        });
      metrics
        .createObservableGauge<{ cluster: string }>(
          'gloriousflywheel.fleet.cluster.lag',
          {
            description:
              'Seconds since the last successful list or watch event of the cluster',
            unit: 's',
          },
        )
        .addCallback(result => {
          const now = Date.now();
          for (const c of fleet.clusters()) {
            if (c.lastSyncAt)
              result.observe(
                Math.max(0, (now - Date.parse(c.lastSyncAt)) / 1000),
                { cluster: c.name },
              );
          }
        });
    }
  }

  /**
   * Queue gauges per runner class, read from the stored jobs when scraped: jobs queued and running
   * now, and the p95 queue time of the jobs that started in the last hour.
   */
  observeQueue(stats: () => Promise<QueueStatsList>): void {
    // both gauges of a scrape call it: QueueService.stats() shares one computation between them
    this.metrics
      .createObservableGauge<{ runner_class: string; state: string }>(
        'gloriousflywheel.queue.jobs',
        {
          description:
            'Jobs of each runner class queued (waiting for a runner) and running now',
        },
      )
      .addCallback(async result => {
        for (const c of (await stats()).classes) {
          result.observe(c.queued, {
            runner_class: c.runnerClass,
            state: 'queued',
          });
          result.observe(c.running, {
            runner_class: c.runnerClass,
            state: 'running',
          });
        }
      });
    this.metrics
      .createObservableGauge<{ runner_class: string }>(
        'gloriousflywheel.queue.time.p95',
        {
          description:
            'p95 queue time of the jobs of each runner class that started in the last hour',
          unit: 's',
        },
      )
      .addCallback(async result => {
        for (const c of (await stats()).classes) {
          if (c.p95Seconds1h !== null)
            result.observe(c.p95Seconds1h, { runner_class: c.runnerClass });
        }
      });
  }

  scanFinished(trigger: string, outcome: string, seconds: number): void {
    this.scanDuration.record(seconds, { trigger, outcome });
  }

  /** Counts the requests an org's client made since `before`, and its rate limit left. */
  githubUsed(
    org: string,
    usage: GitHubUsage,
    before: Pick<GitHubUsage, 'graphql' | 'rest' | 'rest304'>,
  ): void {
    const add = (kind: string, n: number) => {
      if (n > 0) this.githubRequests.add(n, { org, kind });
    };
    add('graphql', usage.graphql - before.graphql);
    add('rest', usage.rest - before.rest);
    add('rest_304', usage.rest304 - before.rest304);
    if (usage.remaining !== null)
      this.rateLimitRemaining.record(usage.remaining, { org });
  }

  cachesProbed(results: readonly CacheProbeResult[]): void {
    for (const r of results)
      this.probeDuration.record(r.latencyMs / 1000, {
        cache: r.cache,
        status: r.status,
      });
  }

  controlled(action: ControlAction, outcome: AuditCompletion['outcome']): void {
    this.controlRequests.add(1, { action, outcome });
  }
}
