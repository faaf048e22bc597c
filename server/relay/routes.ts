// HTTP face of the relay. No session, no cookie, no log line with the body or the
// client's address: a ballot must not be linkable to who sent it (SECURITY.md).
import express, { type Router } from "express";
import { UrneError } from "../../protocol/index.js";
import { clientAddress, clientNetwork } from "../http/client-address.js";
import { parseBallotId } from "../http/ballot-id.js";
import { jsonBody } from "../http/json-body.js";
import { RateLimiter, type RateLimit } from "../http/rate-limiter.js";
import type { Relay } from "./relay.js";
import { MAX_SEALED_PAYLOAD_BYTES } from "../../protocol/sealed/sealed-layout.js";

/** A public ballot's signed vote is about 900 bytes of JSON, a sealed one's up to about 52 KB (its payload in hex); anything larger is not one. */
export const VOTE_BODY_LIMIT_BYTES = 2 * MAX_SEALED_PAYLOAD_BYTES + 4 * 1024;

export type RelayRouteOptions = {
  /**
   * POST /v1/votes per client address (express `req.ip`: behind a trusted proxy, the
   * voter's; see URNE_TRUST_PROXY). Counted before the body is read, so a flood costs
   * neither parsing nor checks. The address is kept in memory only, as an HMAC
   * (rate-limiter.ts), never written or logged.
   */
  votesPerAddress?: RateLimit;
};

/**
 * 1000 at once, then 50 per second, per address. Generous on purpose: a whole room or
 * company votes from one NAT address, and the issuer already limits tokens per address
 * (120 at once, 2 per second), so an address cannot legitimately post far more ballots
 * than that, revotes aside. What it stops is one client flooding the relay: at 50 ballots
 * per second an address gets at most ~8% of a core of checks (about 1.5 ms each).
 */
export const DEFAULT_VOTES_PER_ADDRESS: RateLimit = { capacity: 1000, refillMs: 20 };

export function relayRouter(relay: Relay, opts: RelayRouteOptions = {}): Router {
  const router = express.Router();
  const votesPerAddress = new RateLimiter(opts.votesPerAddress ?? DEFAULT_VOTES_PER_ADDRESS);
  // Before the body is even read: a refused request costs no parsing and no check.
  const limit: express.RequestHandler = (req, _res, next) => {
    votesPerAddress.take(clientNetwork(clientAddress(req))); // an IPv6 client counts as its /64
    next();
  };
  router.post("/v1/votes", limit, ...jsonBody(VOTE_BODY_LIMIT_BYTES), async (req, res) => {
    const { receiptId } = await relay.accept(req.body);
    res.status(202).set("cache-control", "no-store").json({ receiptId });
  });
  router.get("/v1/receipts/:id", async (req, res) => {
    res.set("cache-control", "no-store").json(await relay.receipt(req.params.id));
  });
  // How many of a ballot's ballots this relay acknowledged, and how many are final or
  // refused on chain: public counts (the ballots themselves are public on chain).
  router.get("/v1/ballots/:id/relay", (req, res) => {
    const ballotId = parseBallotId(req.params.id);
    res.set("cache-control", "no-store").json({ ballotId: ballotId.toString(), ...relay.journal.finality.status(ballotId) });
  });
  // Before an early close, signed by the ballot's organizer (protocol/relay-settle.ts).
  // A settle costs a chain read and a signature check: bounded per client like ballots.
  const settlesPerAddress = new RateLimiter({ capacity: 10, refillMs: 6_000 });
  router.post("/v1/ballots/:id/settle", (req, _res, next) => {
    settlesPerAddress.take(clientNetwork(clientAddress(req)));
    next();
  }, ...jsonBody(1024), async (req, res) => {
    const ballotId = parseBallotId(req.params.id);
    const body = (req.body ?? {}) as { expiresAt?: unknown; signature?: unknown };
    if (typeof body.signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(body.signature)) {
      throw new UrneError("ERR_INVALID_SETTLE", "signature must be 65 bytes of 0x-hex.", { field: "signature" });
    }
    if (typeof body.expiresAt !== "number") throw new UrneError("ERR_INVALID_SETTLE", "expiresAt must be Unix seconds.", { field: "expiresAt" });
    const status = await relay.settle({ ballotId, expiresAt: body.expiresAt, signature: body.signature });
    res.set("cache-control", "no-store").json({ ballotId: ballotId.toString(), ...status });
  });
  router.get("/health", async (_req, res) => {
    const health = await relay.health();
    res.status(health.status === "ok" ? 200 : 503).set("cache-control", "no-store").json(health);
  });
  return router;
}
