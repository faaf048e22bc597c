/**
 * Serializes async work per key, in arrival order, within this process. The token ledger
 * uses it so that "is there a token? no: record one" cannot interleave for one voter and
 * one ballot. LevelDB's own lock guarantees a single process holds the database, so an
 * in-process lock is enough. Idle keys are forgotten: memory follows concurrency, not history.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.#tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      // Only the last waiter removes the key: a later arrival has replaced the tail.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
      release();
    }
  }
}
