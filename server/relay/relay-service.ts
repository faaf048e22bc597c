// The relay as a service of its own (`urne relay`, and one of `urne start`'s processes):
// its own HTTP origin, its own LevelDB (`<data>/relay`), its own chain account. It takes
// signed ballots from anybody and never sees who the voter is: nothing of the issuer's is
// imported here, nothing of its store is opened (SECURITY.md: identity and ballot never
// meet in one place). docs/OPERATIONS.md shows it run by another organization than the
// issuer.
import http from "node:http";
import path from "node:path";
import express from "express";
import type { Wallet } from "ethers";
import { ensurePrivateDir } from "../config/private-file.js";
import { listen } from "../http/listen.js";
import { errorHandler, notFound } from "../http/http-errors.js";
import type { RateLimit } from "../http/rate-limiter.js";
import { BallotBoxView } from "./ballot-box-view.js";
import { RelayJournal } from "./journal.js";
import { relayProvider, relayRpcClient } from "./provider.js";
import { Relay } from "./relay.js";
import { relayRouter } from "./routes.js";
import type { SubmitterOptions } from "./submitter.js";

export const RELAY_DB_DIR = "relay";

export type RelayServiceOptions = {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  rpcUrl: string;
  /** The chain door's service token (server/chain/chain-service-token.ts), if the node is urne's own. */
  rpcToken?: string;
  ballotBox: string;
  relayer: Wallet;
  /** express `trust proxy` (URNE_TRUST_PROXY). */
  trustProxy: false | number | string[];
  votesPerAddress?: RateLimit;
  submitter?: SubmitterOptions;
  checkThreads?: number;
  /** Relay.closeMarginSeconds (URNE_RELAY_CLOSE_MARGIN_S). */
  closeMarginSeconds?: number;
  log: (event: string, fields: Record<string, unknown>) => void;
};

export type RelayService = { url: string; relay: Relay; stop(): Promise<void> };

/**
 * CORS for every relay route: any origin may post a ballot or read a receipt (a ballot
 * carries no identity and needs no credential: no cookie, no Authorization is ever read).
 */
const openCors: express.RequestHandler = (req, res, next) => {
  res.set("Access-Control-Allow-Origin", "*");
  if (req.method === "OPTIONS") {
    res.set({ "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "content-type", "Access-Control-Max-Age": "86400" }).status(204).end();
    return;
  }
  next();
};

export async function startRelayService(opts: RelayServiceOptions): Promise<RelayService> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((e: Error) => opts.log("relay.stop_failed", { error: e.message }));
  };
  try {
    const provider = await relayProvider(opts.rpcUrl, { token: opts.rpcToken });
    cleanup.push(async () => provider.destroy());
    const chainId = (await provider.getNetwork()).chainId;
    // `urne relay` alone (another organization's machine) may be the first to open it.
    await ensurePrivateDir(opts.dataDir);
    const journal = await RelayJournal.open(path.join(opts.dataDir, RELAY_DB_DIR));
    cleanup.push(() => journal.close());
    const relay = new Relay(journal, new BallotBoxView(provider, opts.ballotBox, relayRpcClient(opts.rpcUrl, { token: opts.rpcToken })), opts.relayer, {
      chainId, submitter: { log: opts.log, ...opts.submitter }, ...(opts.checkThreads === undefined ? {} : { checkThreads: opts.checkThreads }),
      ...(opts.closeMarginSeconds === undefined ? {} : { closeMarginSeconds: opts.closeMarginSeconds }),
    });
    await relay.start();
    cleanup.push(() => relay.stop());

    const app = express();
    app.disable("x-powered-by");
    app.set("trust proxy", opts.trustProxy);
    app.set("etag", false);
    app.use((_req, res, next) => {
      res.set({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" });
      next();
    });
    app.use(openCors);
    app.use(relayRouter(relay, opts.votesPerAddress ? { votesPerAddress: opts.votesPerAddress } : {}));
    app.use(notFound);
    app.use(errorHandler(opts.log));
    const server = http.createServer(app);
    server.requestTimeout = 30_000;
    const listener = await listen(server, opts.port, opts.host);
    cleanup.push(() => listener.close());
    return { url: listener.url, relay, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
