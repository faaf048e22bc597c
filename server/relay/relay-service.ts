// The relay as a service of its own (`urne relay`, and one of `urne start`'s processes):
// its own HTTP origin, its own LevelDB (`<data>/relay`), its own chain account. It takes
// signed ballots from anybody and never sees who the voter is: nothing of the issuer's is
// imported here, nothing of its store is opened (SECURITY.md: identity and ballot never
// meet in one place). docs/OPERATIONS.md shows it run by another organization than the
// issuer.
import type net from "node:net";
import path from "node:path";
import express from "express";
import type { Wallet } from "ethers";
import { ensurePrivateDir } from "../config/private-file.js";
import { listenStarting, type StartingServer } from "../http/starting-server.js";
import { errorHandler, notFound } from "../http/http-errors.js";
import type { RateLimit } from "../http/rate-limiter.js";
import { BallotBoxView } from "./ballot-box-view.js";
import { checkChainHoldsFinal, RELAY_DB_DIR } from "./final-record.js";
import { RelayJournal } from "./journal.js";
import { relayProvider, relayRpcClient } from "./provider.js";
import { Relay } from "./relay.js";
import { relayRouter } from "./routes.js";
import type { SubmitterOptions } from "./submitter.js";

export { RELAY_DB_DIR } from "./final-record.js";

export type RelayServiceOptions = {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** A socket already listening on `port`, handed over by the supervisor (it answered 503 meanwhile). */
  listenOn?: net.Server;
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
  let listener: StartingServer | undefined;
  const stop = async () => {
    // The port first: no ballot reaches a journal being closed.
    for (const step of [() => listener?.close() ?? Promise.resolve(), ...cleanup.splice(0).reverse()]) {
      await step().catch((e: Error) => opts.log("relay.stop_failed", { error: e.message }));
    }
    listener = undefined;
  };
  try {
    // Listening from the start, answering 503 ERR_STARTING until the journal is reconciled
    // with the chain: a ballot posted meanwhile is answered at once, never left hanging.
    let phase = "opening its journal";
    listener = await listenStarting({ host: opts.host, port: opts.port, listenOn: opts.listenOn, progress: () => ({ phase }) });
    // `urne relay` alone (another organization's machine) may be the first to open it.
    await ensurePrivateDir(opts.dataDir);
    const journal = await RelayJournal.open(path.join(opts.dataDir, RELAY_DB_DIR), opts.log);
    cleanup.push(() => journal.close());
    phase = "reaching the chain";
    const provider = await relayProvider(opts.rpcUrl, { token: opts.rpcToken });
    cleanup.push(async () => provider.destroy());
    const chainId = (await provider.getNetwork()).chainId;
    // Before anything is sent: the chain must hold what this relay recorded as final.
    await checkChainHoldsFinal(journal.highestFinal, provider, `the chain at ${opts.rpcUrl}`);
    phase = "reconciling its journal with the chain";
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
    listener.serve(app);
    return { url: listener.url, relay, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
