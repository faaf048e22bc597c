// Public endpoints (no key), readable by the widget on registered origins and by anyone
// else server side:
//   GET /health                    whether the API's store can be written and the chain answers
//   GET /.well-known/urne.json     what a widget or an observer needs to start
//   GET /v1/public-ballots         every ballot of this vote host, newest first (?limit, ?before):
//                                  status, participation, fingerprint (the ballots page)
//   GET /v1/ballots/:id/results    counts, percentages, majority judgment; hidden until
//                                  the close when the ballot has no live results
//   GET /v1/ballots/:id/trackers   a sealed ballot's counted ballots by tracker (and those
//                                  left out), as the service's recount finds them
//   GET /v1/ballots/:id/decryption a sealed ballot's trustees and operator: whose share is on
//                                  chain and valid, how many are needed, whether it is open
// Every route but /health is charged to the client's budget of public reads (http/public-reads.ts).
import { Router } from "express";
import { PROTOCOL_VERSION } from "../../protocol/constants.js";
import type { AppRegistry } from "../apps/app-registry.js";
import type { BallotChain } from "../ballots/ballot-chain.js";
import type { BallotService } from "../ballots/ballot-service.js";
import { doorStatus } from "../chain/door-status.js";
import type { StoreHealth } from "../store/durable-level.js";
import type { PublicBallotList } from "../../protocol/api-types.js";
import { pageQuery } from "./ballot-routes.js";
import { widgetCors } from "./widget-cors.js";
import type { PublicReads } from "../http/public-reads.js";

export type WellKnownConfig = {
  /** Public JSON-RPC endpoints of the chain (observers may use any other node too). */
  rpcUrls: string[];
  /** The API's public base URL. */
  apiUrl: string;
  /** The relay's public base URL: where ballots are sent (any other relay, or a node, will do). */
  relayUrl: string;
  /** The client bundle's release and integrity values (server/web/client-assets.ts, clientRelease). */
  client?: { version: string; embed: { src: string; integrity: string } | null; integrity: Record<string, string> };
};

export function publicRoutes(apps: AppRegistry, ballots: BallotService, chain: BallotChain, config: WellKnownConfig, storeHealth: () => StoreHealth, reads: PublicReads): Router {
  const router = Router();
  const read = reads.charge();
  const anyLiveApp = widgetCors(() => apps.liveOrigins(), "GET");
  const ballotsApp = widgetCors(async (req) => {
    const record = await ballots.record(String(req.params.id));
    return new Set((await apps.get(record.appId))?.origins ?? []);
  }, "GET");

  router.get("/health", async (_req, res) => {
    const blockNumber = await chain.blockNumber().catch(() => null);
    // A chain that does not answer may be replaying its journal: say how far.
    const door = blockNumber === null ? await doorStatus(chain.opts.rpcUrl) : undefined;
    const store = storeHealth();
    const ok = blockNumber !== null && store.ok;
    res.status(ok ? 200 : 503).set("cache-control", "no-store").json({
      status: ok ? "ok" : "degraded", chain: { chainId: chain.chainId.toString(), blockNumber, ...(door ? { door } : {}) }, store,
    });
  });

  router.options("/.well-known/urne.json", anyLiveApp);
  router.get("/.well-known/urne.json", anyLiveApp, read, async (_req, res) => {
    res.set("Cache-Control", "public, max-age=30").json({
      protocolVersion: PROTOCOL_VERSION,
      chainId: chain.chainId.toString(),
      ballotBox: chain.ballotBox,
      rpcUrls: config.rpcUrls,
      apiUrl: config.apiUrl,
      relayUrl: config.relayUrl,
      eip712Domain: { name: "urne", version: "1", chainId: chain.chainId.toString(), verifyingContract: chain.ballotBox },
      issuerKeys: await ballots.issuerKeys(),
      // What a partner pins (<script integrity>) and checks against a release's build.
      ...(config.client ? { client: config.client } : {}),
    });
  });

  router.get("/v1/public-ballots", async (req, res) => {
    // One chain read per ballot listed (the store's list itself reads no chain): charged
    // once the page's ballots are known, before they are read.
    const list = await ballots.publicList(pageQuery(req.query), async (appId) => (await apps.get(appId))?.name ?? appId, (count) => reads.take(req, Math.max(1, count)));
    const answer: PublicBallotList = { ...list, chain: { chainId: chain.chainId.toString(), ballotBox: chain.ballotBox, rpcUrls: config.rpcUrls } };
    res.set("Cache-Control", "no-store").json(answer);
  });

  router.options("/v1/ballots/:id/results", ballotsApp);
  router.get("/v1/ballots/:id/results", ballotsApp, read, async (req, res) => {
    res.set("Cache-Control", "no-store").json({ results: await ballots.results(String(req.params.id)) });
  });

  router.options("/v1/ballots/:id/decryption", ballotsApp);
  router.get("/v1/ballots/:id/decryption", ballotsApp, read, async (req, res) => {
    res.set("Cache-Control", "no-store").json({ decryption: await ballots.decryption(String(req.params.id)) });
  });

  router.options("/v1/ballots/:id/trackers", ballotsApp);
  router.get("/v1/ballots/:id/trackers", ballotsApp, read, async (req, res) => {
    res.set("Cache-Control", "no-store").json({ trackers: await ballots.trackers(String(req.params.id)) });
  });

  return router;
}
