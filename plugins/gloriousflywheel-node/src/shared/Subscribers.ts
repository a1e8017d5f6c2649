/**
 * The subscribers of one kind of change: each is called in turn, and one that throws stops neither
 * the publisher nor the others.
 */
export class Subscribers<T extends unknown[] = []> {
  private readonly listeners = new Set<(...args: T) => void>();

  constructor(private readonly onError?: (error: unknown) => void) {}

  /** Adds `listener`; returns its unsubscribe. */
  add(listener: (...args: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(...args: T): void {
    for (const listener of this.listeners) {
      try {
        listener(...args);
      } catch (e) {
        this.onError?.(e);
      }
    }
  }
}
