import {
  GloriousFlywheelSource,
  SourceStatus,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** Reports the live state of one source module. */
export type SourceStatusReporter = () => SourceStatus;

/**
 * Where each source module (fleet, caches, adoption) reports its state for `/health`. A source
 * that has not registered a live reporter is described from config alone.
 */
export class SourceStatusBoard {
  private readonly reporters = new Map<
    GloriousFlywheelSource,
    SourceStatusReporter
  >();

  constructor(private readonly fallback: SourceStatus[]) {}

  register(source: GloriousFlywheelSource, reporter: SourceStatusReporter) {
    this.reporters.set(source, reporter);
  }

  list(): SourceStatus[] {
    return this.fallback.map(f => {
      const live = this.reporters.get(f.source);
      if (!live) return f;
      try {
        return live();
      } catch (e) {
        return { ...f, state: 'error', message: `status unavailable: ${e}` };
      }
    });
  }
}
