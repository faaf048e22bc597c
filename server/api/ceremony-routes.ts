// The trustees' key ceremony, relayed by the vote host (PROTOCOL.md §11.7,
// server/ceremonies/ceremony-registry.ts):
//   POST /v1/ceremonies                  an organizer app opens one (API key): {threshold, trustees, operatorKey?}
//   GET  /v1/ceremonies/:id              the whole transcript and its status, to anyone
//   POST /v1/ceremonies/:id/round1       a trustee's round-1 package   {package, signature}
//   POST /v1/ceremonies/:id/shares       a trustee's sealed shares     {from, messages, signature}
//   POST /v1/ceremonies/:id/accept       a trustee's acceptance        {index, transcriptDigest, signature}
// Trustees hold no API key: each message is signed by the trustee's chain account, and is
// kept only if the signature is that trustee's.
import { Router } from "express";
import type { AppRegistry } from "../apps/app-registry.js";
import type { CeremonyRegistry } from "../ceremonies/ceremony-registry.js";
import { jsonBody } from "../http/json-body.js";
import { appOf, requireApiKey } from "./api-key-auth.js";
import type { LogFn } from "./ballot-routes.js";

export function ceremonyRoutes(apps: AppRegistry, ceremonies: CeremonyRegistry, log: LogFn, bodyLimitBytes?: number): Router {
  const router = Router();
  router.post("/v1/ceremonies", requireApiKey(apps), ...jsonBody(bodyLimitBytes), async (req, res) => {
    const app = appOf(res);
    const ceremony = await ceremonies.create(app, req.body ?? {});
    log("ceremony.created", { appId: app.id, ceremonyId: ceremony.ceremonyId, threshold: ceremony.params.threshold, trustees: ceremony.params.trustees.length, operatorKey: ceremony.operator !== undefined });
    res.status(201).location(`/v1/ceremonies/${ceremony.ceremonyId}`).json({ ceremony });
  });
  router.get("/v1/ceremonies/:id", async (req, res) => {
    res.set("Cache-Control", "no-store").json({ ceremony: await ceremonies.get(String(req.params.id)) });
  });
  const step = (name: "round1" | "shares" | "accept", post: (id: string, body: Record<string, unknown>) => ReturnType<CeremonyRegistry["get"]>) =>
    router.post(`/v1/ceremonies/:id/${name}`, ...jsonBody(bodyLimitBytes), async (req, res) => {
      const ceremony = await post(String(req.params.id), req.body ?? {});
      log(`ceremony.${name}`, { ceremonyId: ceremony.ceremonyId, status: ceremony.status });
      res.json({ ceremony });
    });
  step("round1", (id, body) => ceremonies.postRound1(id, body));
  step("shares", (id, body) => ceremonies.postShares(id, body));
  step("accept", (id, body) => ceremonies.postAccept(id, body));
  return router;
}
