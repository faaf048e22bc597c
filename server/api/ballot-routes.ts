// Organizer endpoints (API key: server to server, or the organizer console in a browser):
//   GET  /v1/app                 the app this key belongs to: its name and the sites that may embed its ballots
//   POST /v1/ballots             create a ballot (on chain before the 201)
//   POST /v1/ballots/check       every check of the creation, nothing created: the ballot the
//                                API would create (defaults filled in), or the same error
//   GET  /v1/ballots             this app's ballots, newest first, by pages:
//                                ?limit=1..100 (default 50) &before=<id> (the `next` of the previous page)
//   GET  /v1/ballots/:id         one of this app's ballots
//   POST /v1/ballots/:id/close   close early, recording the issuer's token count on chain
//   POST /v1/ballots/:id/operator-share   after the close, the operator's decryption share of a
//                                sealed ballot whose key ceremony has an operator's key
import { Router } from "express";
import type { OrganizerApp } from "../../protocol/api-types.js";
import { UrneError } from "../../protocol/errors.js";
import type { AppRegistry } from "../apps/app-registry.js";
import type { BallotService } from "../ballots/ballot-service.js";
import { appOf, requireApiKey } from "./api-key-auth.js";
import { jsonBody } from "../http/json-body.js";
import { checkedBallotView } from "../ballots/ballot-view.js";

export type LogFn = (event: string, fields: Record<string, unknown>) => void;

export function ballotRoutes(apps: AppRegistry, ballots: BallotService, log: LogFn, bodyLimitBytes?: number): Router {
  const router = Router();
  const auth = requireApiKey(apps);

  router.get("/v1/app", auth, (_req, res) => {
    const { id, name, origins } = appOf(res);
    const app: OrganizerApp = { id, name, origins: [...origins] };
    res.set("Cache-Control", "no-store").json({ app });
  });

  router.post("/v1/ballots/check", auth, ...jsonBody(bodyLimitBytes), async (req, res) => {
    res.json({ ballot: checkedBallotView(await ballots.check(appOf(res), req.body)) });
  });

  router.post("/v1/ballots", auth, ...jsonBody(bodyLimitBytes), async (req, res) => {
    const app = appOf(res);
    const ballot = await ballots.create(app, req.body);
    log("ballot.created", { appId: app.id, ballotId: ballot.id, kind: ballot.kind, block: ballot.chain.blockNumber });
    res.status(201).location(`/v1/ballots/${ballot.id}`).json({ ballot });
  });

  router.get("/v1/ballots", auth, async (req, res) => {
    res.json(await ballots.list(appOf(res), pageQuery(req.query)));
  });

  router.get("/v1/ballots/:id", auth, async (req, res) => {
    res.json({ ballot: await ballots.get(appOf(res), String(req.params.id)) });
  });

  router.post("/v1/ballots/:id/close", auth, ...jsonBody(bodyLimitBytes), async (req, res) => {
    const app = appOf(res);
    const ballot = await ballots.close(app, String(req.params.id));
    log("ballot.closed", { appId: app.id, ballotId: ballot.id, tokensIssued: ballot.tokensIssued });
    res.json({ ballot });
  });

  router.post("/v1/ballots/:id/operator-share", auth, ...jsonBody(bodyLimitBytes), async (req, res) => {
    const app = appOf(res);
    const posted = await ballots.postOperatorShare(app, String(req.params.id));
    log("ballot.operator_share", { appId: app.id, ballotId: posted.ballotId, tallyDigest: posted.tallyDigest, block: posted.blockNumber });
    res.status(201).json({ operatorShare: posted });
  });

  return router;
}

/** `limit` and `before` of a list request; anything else in the query is refused by name. */
export function pageQuery(query: Record<string, unknown>): { limit: number; before?: string } {
  for (const key of Object.keys(query)) {
    if (key !== "limit" && key !== "before") throw new UrneError("ERR_INVALID_QUERY", `Unknown query parameter "${key}".`, { field: key });
  }
  let limit = 50;
  if (query.limit !== undefined) {
    if (typeof query.limit !== "string" || !/^[1-9][0-9]{0,2}$/.test(query.limit) || Number(query.limit) > 100) {
      throw new UrneError("ERR_INVALID_QUERY", "limit must be an integer from 1 to 100.", { field: "limit" });
    }
    limit = Number(query.limit);
  }
  if (query.before === undefined) return { limit };
  if (typeof query.before !== "string" || !/^[1-9][0-9]{0,19}$/.test(query.before)) {
    throw new UrneError("ERR_INVALID_QUERY", "before must be a ballot id (the next of the previous page).", { field: "before" });
  }
  return { limit, before: query.before };
}
