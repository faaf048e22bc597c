/**
 * What the relying party must remember between sending a citizen to the provider and the
 * provider sending them back. It holds the PKCE verifier, so it is kept SERVER-SIDE only
 * (never in a URL, a cookie value or the widget): whoever holds it can redeem the code.
 */
export interface LoginAttempt {
  /** Random, sent in the authorization request; the key of the pending attempt. */
  readonly state: string;
  /** Random, must come back inside the ID token (binds the token to this attempt). */
  readonly nonce: string;
  /** PKCE secret; only its SHA-256 (the challenge) left the server. */
  readonly codeVerifier: string;
  /** Epoch milliseconds after which the attempt is refused. */
  readonly expiresAt: number;
}

export interface LoginAttemptStoreOptions {
  /** Upper bound on an attempt's life in the store, whatever its own `expiresAt`. */
  ttlMs?: number;
  /** Upper bound on pending attempts, so a flood of login starts cannot exhaust memory. */
  maxSize?: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

export const LOGIN_ATTEMPT_TTL_MS = 10 * 60 * 1000;
export const LOGIN_ATTEMPT_MAX_SIZE = 10_000;

/**
 * In-memory pending login attempts, keyed by `state`, each usable once.
 *
 * Single use is what makes a replayed callback (same state twice) fail before any network
 * call. In memory because an attempt lives minutes and a restart merely asks the citizen
 * to click again; a multi-instance deployment needs a shared store with the same contract.
 *
 * `T` lets the API keep its own context beside the attempt (widget origin, ballot id).
 */
export class LoginAttemptStore<T extends LoginAttempt = LoginAttempt> {
  readonly #ttlMs: number;
  readonly #maxSize: number;
  readonly #now: () => number;
  // Map keeps insertion order, and every entry gets the same ttl: the oldest entries come
  // first, so sweeping and evicting only ever look at the front.
  readonly #pending = new Map<string, { attempt: T; deadline: number }>();

  constructor(options: LoginAttemptStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? LOGIN_ATTEMPT_TTL_MS;
    this.#maxSize = options.maxSize ?? LOGIN_ATTEMPT_MAX_SIZE;
    this.#now = options.now ?? Date.now;
    if (!(this.#ttlMs > 0) || !Number.isInteger(this.#maxSize) || this.#maxSize < 1) {
      throw new TypeError("LoginAttemptStore: ttlMs must be > 0 and maxSize a positive integer");
    }
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Remembers an attempt until it is taken or expires. */
  put(attempt: T): void {
    if (this.#pending.has(attempt.state)) {
      // States are 256-bit random: a collision means the caller stored the same attempt twice.
      throw new TypeError("LoginAttemptStore: an attempt with this state is already pending");
    }
    const now = this.#now();
    this.#sweep(now);
    // When full, the oldest pending attempt gives way: it is the likeliest abandoned, and
    // new citizens can still log in during a flood (rate limiting belongs at the edge).
    while (this.#pending.size >= this.#maxSize) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
    }
    this.#pending.set(attempt.state, { attempt, deadline: Math.min(attempt.expiresAt, now + this.#ttlMs) });
  }

  /**
   * Removes and returns the attempt for `state`, or undefined when there is none, it was
   * already taken, or it expired. Deleting before returning is what makes it single use.
   */
  take(state: string | null | undefined): T | undefined {
    if (typeof state !== "string" || state.length === 0) return undefined;
    const entry = this.#pending.get(state);
    if (entry === undefined) return undefined;
    this.#pending.delete(state);
    return this.#now() < entry.deadline ? entry.attempt : undefined;
  }

  #sweep(now: number): void {
    for (const [state, entry] of this.#pending) {
      // Deadlines are min(own expiry, put time + ttl): not strictly ordered, so stop at the
      // first live entry rather than scan everything (a later expired one goes next time).
      if (entry.deadline > now) break;
      this.#pending.delete(state);
    }
  }
}
