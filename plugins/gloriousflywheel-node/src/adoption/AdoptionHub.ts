import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  repoKey,
  type RepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { Subscribers } from '../shared/Subscribers';

// defined with the project-slug rule in common; re-exported for the plugin's stores and scan
export { repoKey };

/** What the catalog shows of a result; other changes (scannedAt) do not reprocess entities. */
const catalogView = (r: RepoAdoption) =>
  JSON.stringify([
    r.runnerClasses,
    r.hostedJobs,
    r.scorecard.counts,
    r.tranche,
    r.stage,
  ]);

/**
 * What readers of adoption results see: the latest result of every scanned repository and which
 * changed.
 *
 * @public
 */
export interface AdoptionReader {
  /** true once the plugin has published at least once (from storage or a scan) */
  readonly loaded: boolean;
  list(): RepoAdoption[];
  /** By `owner/name` (case-insensitive), as in `github.com/project-slug`. */
  get(slug: string): RepoAdoption | undefined;
  /** Calls `listener` with the keys (`repoKey`) whose catalog view changed; returns an unsubscribe. */
  onChange(listener: (changed: string[]) => void): () => void;
}

/**
 * How the plugin's adoption scan hands its results to the readers.
 *
 * @public
 */
export interface AdoptionPublisher {
  /**
   * Takes new results and removals (keys, see `repoKey`); readers hear the keys whose
   * catalog view changed (results for the same head read earlier by a slower replica are ignored).
   */
  publish(results: Iterable<RepoAdoption>, removed?: Iterable<string>): void;
}

/**
 * The latest adoption result of every scanned repository, in memory, shared by the plugin (which
 * scans and stores) and the catalog module (whose processor annotates Components). Root-scoped
 * (needing only the root logger) for the same reason as CacheHealthHub: a catalog module cannot
 * depend on another plugin's plugin-scoped services.
 *
 * @public
 */
export class AdoptionHub implements AdoptionReader, AdoptionPublisher {
  private readonly repos = new Map<string, RepoAdoption>();
  // A failing subscriber must not stop the scan or the other subscribers.
  private readonly subscribers: Subscribers<[changed: string[]]>;
  private loadedOnce = false;

  /** `logger` hears a listener that threw. */
  constructor(options: { logger?: LoggerService } = {}) {
    this.subscribers = new Subscribers(e =>
      options.logger?.error(`adoption listener failed: ${e}`),
    );
  }

  get loaded(): boolean {
    return this.loadedOnce;
  }

  list(): RepoAdoption[] {
    return [...this.repos.values()];
  }

  /** By `owner/name` (case-insensitive), as in `github.com/project-slug`. */
  get(slug: string): RepoAdoption | undefined {
    return this.repos.get(slug.toLowerCase());
  }

  /**
   * Takes new results and removals; listeners hear the keys whose catalog view changed (results
   * for the same head read earlier by a slower replica are ignored).
   */
  publish(
    results: Iterable<RepoAdoption>,
    removed: Iterable<string> = [],
  ): void {
    const changed: string[] = [];
    this.loadedOnce = true;
    for (const r of results) {
      const key = repoKey(r.owner, r.name);
      const held = this.repos.get(key);
      if (held && Date.parse(held.scannedAt) > Date.parse(r.scannedAt))
        continue;
      this.repos.set(key, r);
      if (!held || catalogView(held) !== catalogView(r)) changed.push(key);
    }
    for (const key of removed) if (this.repos.delete(key)) changed.push(key);
    if (changed.length) this.subscribers.notify(changed);
  }

  /** Calls `listener` with changed keys after a publish; returns an unsubscribe. */
  onChange(listener: (changed: string[]) => void): () => void {
    return this.subscribers.add(listener);
  }
}

/**
 * Root-scoped, needing only the root logger: see {@link AdoptionHub}. The catalog module reads
 * ({@link AdoptionReader}); only the plugin's scan publishes.
 *
 * @public
 */
export const adoptionHubServiceRef = createServiceRef<
  AdoptionReader & AdoptionPublisher
>({
  id: 'gloriousflywheel.adoption',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { logger: coreServices.rootLogger },
      factory: ({ logger }) => new AdoptionHub({ logger }),
    }),
});
