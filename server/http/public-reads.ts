// One budget per client network for the vote host's public reads (no key): the ballots
// list, results, decryption status, trackers, well-known, the widget's ballot facts. Each
// costs the vote host chain reads, and the ballots list up to 100 of them per request, so
// a client that loops on them would take the chain's time from everyone (the chain door
// limits what reaches the node directly; these go through the vote host). A route charges
// what it costs in chain reads; past the budget, 429 ERR_RATE_LIMITED with Retry-After.
// Not charged: /health (monitoring, and what the door bench measures), the pages' HTML
// (no chain read), the organizer endpoints (an API key, its own accountability).
import type { Request, RequestHandler } from "express";
import { clientAddress, clientNetwork } from "./client-address.js";
import { RateLimiter } from "./rate-limiter.js";

/** Default: 100 chain reads a second per client network, 600 at once (a ballots page of 100 and then some). */
export const DEFAULT_PUBLIC_READS_PER_SECOND = 100;
const BURST_SECONDS = 6;

export class PublicReads {
  readonly #limiter: RateLimiter;

  constructor(readsPerSecond = DEFAULT_PUBLIC_READS_PER_SECOND, now?: () => number) {
    this.#limiter = new RateLimiter({ capacity: readsPerSecond * BURST_SECONDS, refillMs: 1000 / readsPerSecond, ...(now ? { now } : {}) });
  }

  /** Charges the request's client `units` chain reads; throws RateLimitedError (429) past its budget. */
  take(req: Request, units: number): void {
    this.#limiter.take(clientNetwork(clientAddress(req)), units);
  }

  /** Middleware that charges each request `units` chain reads. */
  charge(units = 1): RequestHandler {
    return (req, _res, next) => {
      this.take(req, units);
      next();
    };
  }
}
