import { createFleetSeed, FleetSeed, FleetSeedOptions } from './seed/fleetSeed';
import { KubernetesSandbox, startKubernetesSandbox } from './k8s';
import { GitHubJobsOptions, GitHubSandbox, startGitHubSandbox } from './github';
import { seedJobs } from './seed/jobSeed';
import { CacheSandbox, startCacheSandbox } from './caches';

/** Where each part of the sandbox listens. 0 = a random free port (tests). */
export interface FleetSandboxOptions {
  host?: string;
  ports?: { k8s?: number; github?: number; caches?: number; grpc?: number };
  seed?: FleetSeed;
  seedOptions?: FleetSeedOptions;
  /**
   * Serve the Kubernetes API over HTTPS with a CA generated at start (default true); clients trust
   * `k8s.caData` (or the file `caFile`), admin calls use `k8s.adminUrl`.
   */
  tls?: boolean;
  /** with tls: write the CA certificate (PEM) here too, for kubectl and the portal's config */
  caFile?: string;
  /** where `workflow_job` webhooks go (also settable later: `github.setWebhookUrls`) */
  webhookUrls?: string[];
  /**
   * The job simulator (default: real clock, ticking every second). Tests pass a manual clock
   * with `autoTickMs: 0` and call `github.tickJobs()`.
   */
  jobs?: Omit<GitHubJobsOptions, 'fleet'> & {
    /** seed a few queued / running / completed jobs (default true) */
    seedJobs?: boolean;
  };
}

/** A running sandbox: the K8s API, GitHub API and build-cache stand-ins on loopback. */
export interface FleetSandbox {
  seed: FleetSeed;
  k8s: KubernetesSandbox;
  github: GitHubSandbox;
  caches: CacheSandbox;
  /** Stops every server; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts all parts of the sandbox. If one part fails to start, the others are stopped again. */
export async function startFleetSandbox(
  options: FleetSandboxOptions = {},
): Promise<FleetSandbox> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? createFleetSeed(options.seedOptions);
  const started: { close(): Promise<void> }[] = [];
  try {
    const k8s = await startKubernetesSandbox({
      host,
      port: options.ports?.k8s ?? 0,
      seed,
      tls: options.tls ?? true,
      caFile: options.caFile,
    });
    started.push(k8s);
    const { seedJobs: withSeedJobs = true, ...jobs } = options.jobs ?? {};
    const github = await startGitHubSandbox({
      host,
      port: options.ports?.github ?? 0,
      seed,
      webhookUrls: options.webhookUrls,
      jobs: {
        autoTickMs: 1000,
        ...jobs,
        fleet: k8s.runnerFleet,
      },
    });
    started.push(github);
    if (withSeedJobs) seedJobs(github);
    const caches = await startCacheSandbox({
      host,
      port: options.ports?.caches ?? 0,
      grpcPort: options.ports?.grpc ?? 0,
      seed,
    });
    started.push(caches);
    let stopped: Promise<void> | undefined;
    return {
      seed,
      k8s,
      github,
      caches,
      stop() {
        stopped ??= Promise.all(started.map(s => s.close())).then(() => {});
        return stopped;
      },
    };
  } catch (e) {
    await Promise.allSettled(started.map(s => s.close()));
    throw e;
  }
}
