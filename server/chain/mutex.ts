/**
 * One async lock in front of the EVM. Readers, submitters and the sealer all take it, so
 * a reader can never observe a block between "mined" and "journaled" (ARCHITECTURE.md,
 * Chain: a block is final, and visible, only once its journal entry is synced).
 *
 * A poisoned mutex refuses every later caller: after a failed journal write the EVM holds
 * a block that is not on disk, and nothing may read it, ever.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #poison: Error | undefined;

  /** Runs `fn` alone; callers are served in arrival order. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      if (this.#poison) throw this.#poison;
      return await fn();
    } finally {
      release();
    }
  }

  /** Refuses every caller from now on (those already queued included) with `reason`. */
  poison(reason: Error): void {
    this.#poison ??= reason;
  }

  get poisoned(): Error | undefined {
    return this.#poison;
  }
}
