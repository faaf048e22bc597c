import { createHmac, randomBytes } from "node:crypto";
import { UrneError } from "../../protocol/errors.js";

/** A token bucket: `capacity` units at once, then one more every `refillMs`. */
export interface RateLimit {
  capacity: number;
  refillMs: number;
}

export interface RateLimiterOptions extends RateLimit {
  /** Upper bound on tracked clients, so a flood of addresses cannot exhaust memory. */
  maxKeys?: number;
  /** Clock in epoch ms, replaceable in tests. */
  now?: () => number;
}

/** 429: too much from this client; `retryAfterSeconds` says when its bucket holds enough again. */
export class RateLimitedError extends UrneError {
  constructor(readonly retryAfterSeconds: number) {
    super("ERR_RATE_LIMITED", "Too many requests: wait a moment and try again.");
    this.name = "RateLimitedError";
  }
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * In-memory token buckets per client key (an IP address, a voter key). Memory only, by
 * design: IP addresses are used here and nowhere else, never written to disk or to a log.
 * Keys are kept as an HMAC under a per-process random key, so even a heap dump does not
 * list the addresses of recent voters.
 *
 * A restart forgets every bucket; a multi-instance deployment limits per instance.
 * When `maxKeys` is reached the least recently seen client is forgotten (it gets a full
 * bucket back): a flood of distinct addresses dilutes the limit but cannot exhaust memory.
 */
export class RateLimiter {
  readonly #capacity: number;
  readonly #refillMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #secret = randomBytes(32);
  // Map keeps insertion order; a key is re-inserted on each use, so the front is the
  // least recently seen.
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1 || !(options.refillMs > 0)) {
      throw new TypeError("RateLimiter: capacity must be a positive integer and refillMs > 0");
    }
    this.#capacity = options.capacity;
    this.#refillMs = options.refillMs;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes `units` (default one request) from `key`'s bucket; throws RateLimitedError (with
   * the seconds until it would pass) when the bucket holds less. A charge larger than the
   * capacity empties a full bucket rather than never passing.
   */
  take(key: string, units = 1): void {
    const id = createHmac("sha256", this.#secret).update(key).digest("base64url");
    const now = this.#now();
    const previous = this.#buckets.get(id);
    let tokens = this.#capacity;
    if (previous !== undefined) {
      this.#buckets.delete(id);
      tokens = Math.min(this.#capacity, previous.tokens + (now - previous.at) / this.#refillMs);
    }
    const needed = Math.min(units, this.#capacity);
    if (tokens < needed) {
      this.#buckets.set(id, { tokens, at: now });
      throw new RateLimitedError(Math.max(1, Math.ceil(((needed - Math.max(tokens, 0)) * this.#refillMs) / 1000 + (tokens < 0 ? (-tokens * this.#refillMs) / 1000 : 0))));
    }
    this.#buckets.set(id, { tokens: tokens - needed, at: now });
    while (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }

  /**
   * Takes `units` of work already done from `key`'s bucket, which may go below zero: the
   * client's next requests wait until it refills. For costs known only afterwards (the
   * milliseconds an EVM call took).
   */
  debit(key: string, units: number): void {
    if (units <= 0) return;
    const id = createHmac("sha256", this.#secret).update(key).digest("base64url");
    const now = this.#now();
    const previous = this.#buckets.get(id);
    const tokens = previous === undefined ? this.#capacity : Math.min(this.#capacity, previous.tokens + (now - previous.at) / this.#refillMs);
    this.#buckets.delete(id);
    this.#buckets.set(id, { tokens: tokens - units, at: now });
    while (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }

  /** Tracked clients (for tests). */
  get size(): number {
    return this.#buckets.size;
  }
}
