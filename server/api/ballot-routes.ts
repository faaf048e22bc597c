// Organizer endpoints (API key, server to server):
//   POST /v1/ballots             create a ballot (on chain before the 201)
//   GET  /v1/ballots             this app's ballots, newest first
//   GET  /v1/ballots/:id         one of this app's ballots
//   POST /v1/ballots/:id/close   close early, recording the issuer's token count on chain
import { Router } from "express";
import type { AppRegistry } from "../apps/app-registry.js";
import type { BallotService } from "../ballots/ballot-service.js";
import { appOf, requireApiKey } from "./api-key-auth.js";
import { jsonBody } from "./json-body.js";

export type LogFn = (event: string, fields: Record<string, unknown>) => void;

export function ballotRoutes(apps: AppRegistry, ballots: BallotService, log: LogFn, bodyLimitBytes?: number): Router {
  const router = Router();
  const auth = requireApiKey(apps);

  router.post("/v1/ballots", auth, ...jsonBody(bodyLimitBytes), async (req, res) => {
    const app = appOf(res);
    const ballot = await ballots.create(app, req.body);
    log("ballot.created", { appId: app.id, ballotId: ballot.id, kind: ballot.kind, block: ballot.chain.blockNumber });
    res.status(201).location(`/v1/ballots/${ballot.id}`).json({ ballot });
  });

  router.get("/v1/ballots", auth, async (_req, res) => {
    res.json({ ballots: await ballots.list(appOf(res)) });
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

  return router;
}
