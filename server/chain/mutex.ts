/**
 * One async lock in front of the EVM. Readers, submitters and the sealer all take it, so
 * a reader can never observe a block between "mined" and "journaled" (docs/CHAIN.md §3:
 * a block is final, and visible, only once its journal entry is synced).
 *
 * The sealer takes it with `runFirst`: it goes ahead of every waiting reader, so a crowd
 * of public requests delays a block by at most the one request being served, never by
 * the length of the queue (docs/CHAIN.md §5, the door).
 *
 * A poisoned mutex refuses every later caller: after a failed journal write the EVM holds
 * a block that is not on disk, and nothing may read it, ever.
 */
export class Mutex {
  #busy = false;
  readonly #first: (() => void)[] = [];
  readonly #queue: (() => void)[] = [];
  #poison: Error | undefined;

  /** Runs `fn` alone; callers are served in arrival order, after any `runFirst` caller. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.#enter(this.#queue, fn);
  }

  /** Runs `fn` alone, ahead of every caller waiting in `run`. */
  runFirst<T>(fn: () => Promise<T>): Promise<T> {
    return this.#enter(this.#first, fn);
  }

  /** Callers waiting for their turn (the one running not included). */
  get waiting(): number {
    return this.#first.length + this.#queue.length;
  }

  async #enter<T>(line: (() => void)[], fn: () => Promise<T>): Promise<T> {
    if (this.#busy) await new Promise<void>((resolve) => line.push(resolve));
    this.#busy = true;
    try {
      if (this.#poison) throw this.#poison;
      return await fn();
    } finally {
      const next = this.#first.shift() ?? this.#queue.shift();
      if (next) next(); // the lock passes straight to the next caller: #busy stays true
      else this.#busy = false;
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
