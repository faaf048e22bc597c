import { createHmac, randomBytes } from "node:crypto";
import { UrneError } from "../../protocol/errors.js";

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
  /** Pending attempts one client (an IPv4 address, an IPv6 /64) may hold at once. */
  maxPerClient?: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

export const LOGIN_ATTEMPT_TTL_MS = 10 * 60 * 1000;
export const LOGIN_ATTEMPT_MAX_SIZE = 10_000;
/** As many as the login rate limit's burst (routes.ts): a school behind one NAT address. */
export const LOGIN_ATTEMPT_MAX_PER_CLIENT = 30;
/** A refusal's Retry-After never says more than this: attempts also free as logins complete. */
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * A new login refused so that no pending one is pushed out: 429 ERR_TOO_MANY_LOGINS (this
 * client holds its quota) or 503 ERR_LOGIN_BUSY (the store is full of clients holding one
 * attempt each), both with the seconds after which to try again.
 */
export class LoginRefusedError extends UrneError {
  constructor(code: "ERR_TOO_MANY_LOGINS" | "ERR_LOGIN_BUSY", message: string, readonly retryAfterSeconds: number) {
    super(code, message);
    this.name = "LoginRefusedError";
  }
}

type Entry<T> = { attempt: T; deadline: number; client: string };

/**
 * In-memory pending login attempts, keyed by `state`, each usable once.
 *
 * Single use is what makes a replayed callback (same state twice) fail before any network
 * call. In memory because an attempt lives minutes and a restart merely asks the citizen
 * to click again; a multi-instance deployment needs a shared store with the same contract.
 *
 * Fair under a flood (docs/IDENTITY.md §1). Each attempt is counted against its client,
 * the caller's key for where the login start came from (login-routes.ts passes the
 * address, an IPv6 /64 taken as one), held here only as an HMAC under a per-process random
 * key, like the rate limiter's: never logged, never written, forgotten with its last attempt.
 *  - A client holding `maxPerClient` attempts gets no more (429) until one completes or
 *    expires: one address cannot fill the store.
 *  - When the store is full, the new attempt takes the place of the oldest attempt of the
 *    client that would hold the most (the newcomer counted with its new attempt), and only
 *    if that client holds two or more; otherwise the new attempt is refused (503).
 * So a citizen's pending attempt (one, or the only one of its address) is never pushed
 * out: it leaves when taken or when it expires. Evicting the oldest, as this store once
 * did, let 11,019 starts from 2,000 addresses in 10 s push out a citizen's login, whose
 * callback then failed after the citizen had logged in at the provider. Refusing every new
 * attempt once full would spare pending ones but let as few as maxSize / maxPerClient
 * addresses (334) stop all new logins for ten minutes; taking from the heaviest clients
 * first keeps new logins working until a flood holds maxSize distinct clients (10,000
 * addresses or /64s), and then it refuses the newcomer, openly, before the provider.
 *
 * `T` lets the API keep its own context beside the attempt (widget origin, ballot id).
 */
export class LoginAttemptStore<T extends LoginAttempt = LoginAttempt> {
  readonly #ttlMs: number;
  readonly #maxSize: number;
  readonly #maxPerClient: number;
  readonly #now: () => number;
  readonly #secret = randomBytes(32);
  // Map keeps insertion order, and every entry gets the same ttl: the oldest entries come
  // first, so sweeping only ever looks at the front.
  readonly #pending = new Map<string, Entry<T>>();
  /** Each client's pending states, oldest first (at most maxPerClient). */
  readonly #byClient = new Map<string, string[]>();
  /** #byCount[n]: the clients holding exactly n attempts, in the order they came to n. */
  readonly #byCount: Set<string>[];

  constructor(options: LoginAttemptStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? LOGIN_ATTEMPT_TTL_MS;
    this.#maxSize = options.maxSize ?? LOGIN_ATTEMPT_MAX_SIZE;
    this.#maxPerClient = options.maxPerClient ?? LOGIN_ATTEMPT_MAX_PER_CLIENT;
    this.#now = options.now ?? Date.now;
    if (!(this.#ttlMs > 0) || !Number.isInteger(this.#maxSize) || this.#maxSize < 1 || !Number.isInteger(this.#maxPerClient) || this.#maxPerClient < 1) {
      throw new TypeError("LoginAttemptStore: ttlMs must be > 0, maxSize and maxPerClient positive integers");
    }
    this.#byCount = Array.from({ length: this.#maxPerClient + 1 }, () => new Set<string>());
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Distinct clients holding a pending attempt (tests). */
  get clients(): number {
    return this.#byClient.size;
  }

  /**
   * Remembers an attempt of `client` until it is taken or expires. Throws
   * LoginRefusedError, storing nothing and pushing out nobody's attempt, when `client`
   * holds its quota or when the store is full of clients holding one attempt each.
   */
  put(attempt: T, client: string): void {
    if (this.#pending.has(attempt.state)) {
      // States are 256-bit random: a collision means the caller stored the same attempt twice.
      throw new TypeError("LoginAttemptStore: an attempt with this state is already pending");
    }
    const now = this.#now();
    const id = createHmac("sha256", this.#secret).update(client).digest("base64url");
    this.#sweep(now);
    this.#sweepClient(id, now);
    const held = this.#byClient.get(id)?.length ?? 0;
    if (held >= this.#maxPerClient) {
      const oldest = this.#pending.get(this.#byClient.get(id)![0])!;
      throw new LoginRefusedError("ERR_TOO_MANY_LOGINS", "Too many logins started from this address: finish one, or wait a moment.", this.#retryAfter(oldest.deadline, now));
    }
    if (this.#pending.size >= this.#maxSize) {
      const most = this.#mostHeld();
      // The client that would hold the most once this attempt is in: the newcomer itself
      // when it already holds as many as anybody.
      const victim = held >= most ? id : this.#byCount[most].values().next().value as string;
      if ((victim === id ? held : most) < 2) {
        const oldest = this.#pending.values().next().value as Entry<T>;
        throw new LoginRefusedError("ERR_LOGIN_BUSY", "Too many logins in progress: try again in a moment.", this.#retryAfter(oldest.deadline, now));
      }
      this.#remove(this.#byClient.get(victim)![0]);
    }
    this.#pending.set(attempt.state, { attempt, deadline: Math.min(attempt.expiresAt, now + this.#ttlMs), client: id });
    const states = this.#byClient.get(id) ?? [];
    states.push(attempt.state);
    this.#byClient.set(id, states);
    this.#byCount[states.length - 1].delete(id);
    this.#byCount[states.length].add(id);
  }

  /**
   * Removes and returns the attempt for `state`, or undefined when there is none, it was
   * already taken, or it expired. Deleting before returning is what makes it single use.
   */
  take(state: string | null | undefined): T | undefined {
    if (typeof state !== "string" || state.length === 0) return undefined;
    const entry = this.#pending.get(state);
    if (entry === undefined) return undefined;
    this.#remove(state);
    return this.#now() < entry.deadline ? entry.attempt : undefined;
  }

  #remove(state: string): void {
    const entry = this.#pending.get(state);
    if (entry === undefined) return;
    this.#pending.delete(state);
    const states = this.#byClient.get(entry.client)!;
    this.#byCount[states.length].delete(entry.client);
    states.splice(states.indexOf(state), 1);
    if (states.length === 0) this.#byClient.delete(entry.client);
    else this.#byCount[states.length].add(entry.client);
  }

  /** The most attempts any client holds (0 when empty). */
  #mostHeld(): number {
    for (let n = this.#maxPerClient; n > 0; n--) if (this.#byCount[n].size > 0) return n;
    return 0;
  }

  #retryAfter(deadline: number, now: number): number {
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil((deadline - now) / 1000)));
  }

  #sweep(now: number): void {
    for (const [state, entry] of this.#pending) {
      // Deadlines are min(own expiry, put time + ttl): not strictly ordered, so stop at the
      // first live entry rather than scan everything (a later expired one goes next time).
      if (entry.deadline > now) break;
      this.#remove(state);
    }
  }

  /** The client's own expired attempts, wherever they stand (at most maxPerClient). */
  #sweepClient(id: string, now: number): void {
    for (const state of [...(this.#byClient.get(id) ?? [])]) {
      if (this.#pending.get(state)!.deadline <= now) this.#remove(state);
    }
  }
}
