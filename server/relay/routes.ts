// HTTP face of the relay. No session, no cookie, no log line with the body or the
// client's address: a ballot must not be linkable to who sent it (SECURITY.md).
import express, { type Router } from "express";
import { UrneError } from "../../protocol/index.js";
import type { Relay } from "./relay.js";

/** A signed vote is about 900 bytes of JSON; anything much larger is not one. */
export const VOTE_BODY_LIMIT = "4kb";

export function relayRouter(relay: Relay): Router {
  const router = express.Router();
  router.post("/v1/votes", express.json({ limit: VOTE_BODY_LIMIT, strict: true }), async (req, res) => {
    if (!req.is("application/json")) throw new UrneError("ERR_UNSUPPORTED_MEDIA_TYPE", "Send the vote as application/json.", { field: "body" });
    const { receiptId } = await relay.accept(req.body);
    res.status(202).set("cache-control", "no-store").json({ receiptId });
  });
  router.get("/v1/receipts/:id", async (req, res) => {
    res.set("cache-control", "no-store").json(await relay.receipt(req.params.id));
  });
  return router;
}
