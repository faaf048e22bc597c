// The vote host as a service of its own (`urne api`, and one of `urne start`'s processes):
// the organizer API (apps, ballots), the issuer (citizen login, one blind token per voter
// per ballot), and the pages citizens see (the widget, verify, results). Its own LevelDB
// (`<data>/api`), its own HTTP origin. It never receives a ballot: the widget sends those
// to the relay, another process with another origin and another store (relay-service.ts).
import type net from "node:net";
import type { Wallet } from "ethers";
import { startAdminSocket } from "../admin/admin-socket.js";
import { listenStarting, type StartingServer } from "../http/starting-server.js";
import { AppRegistry } from "../apps/app-registry.js";
import { BallotChain } from "../ballots/ballot-chain.js";
import { BallotRegistry } from "../ballots/ballot-registry.js";
import { BallotService } from "../ballots/ballot-service.js";
import { issuerDirectory } from "../ballots/issuer-directory.js";
import { PrivateKeyVault } from "../keys/private-key-vault.js";
import { relayFinality } from "../ballots/relay-finality.js";
import { relaySettler } from "../ballots/relay-settle.js";
import type { Secrets } from "../config/secrets.js";
import { createIdentityClient, type IdentityClientOptions } from "../identity/oidc-client.js";
import { PublicReads } from "../http/public-reads.js";
import { issuerRouter } from "../issuer/routes.js";
import { TokenLedger } from "../issuer/token-ledger.js";
import { ApiStore } from "../store/api-store.js";
import { CeremonyRegistry } from "../ceremonies/ceremony-registry.js";
import { clientRelease, loadClientBundle } from "../web/client-assets.js";
import { webRouter } from "../web/index.js";
import { createApiApp } from "./app.js";
import type { LogFn } from "./ballot-routes.js";

export const LOGIN_CALLBACK_PATH = "/v1/login/callback";
/** The vote host's client id at the development identity provider (urne-dev, idp/). */
export const DEV_IDP_CLIENT_ID = "urne-dev";

export type ApiServiceOptions = {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** A socket already listening on `port`, handed over by the supervisor (it answered 503 meanwhile). */
  listenOn?: net.Server;
  /** The API's public base URL (default http://host:port as bound). */
  publicUrl?: string;
  secrets: Secrets;
  chain: {
    rpcUrl: string;
    /** The chain door's service token, if the node is urne's own. */
    rpcToken?: string;
    chainId: bigint;
    ballotBox: string;
    organizer: Wallet;
    /** Grants the organizer its role once, when given. */
    admin?: Wallet;
    /** Polling of the node for receipts, in ms. */
    pollingIntervalMs: number;
  };
  /** Public JSON-RPC URLs the widget and observers are told about. */
  publicRpcUrls: string[];
  /** The relay's public base URL: where the widget sends ballots. */
  relayUrl: string;
  /** The OpenID provider; built from the bound URL when a function (the callback needs it). */
  identity: IdentityClientOptions | ((apiUrl: string) => IdentityClientOptions) | undefined;
  trustProxy: false | number | string[];
  bodyLimitBytes: number;
  /** Chain reads a second each client network may cause through the public endpoints (server/http/public-reads.ts). */
  publicReadsPerSecond?: number;
  log: LogFn;
};

export type ApiService = {
  apiUrl: string;
  apps: AppRegistry;
  ballots: BallotService;
  ballotChain: BallotChain;
  /** The issuer's record of tokens signed (read at the close). */
  ledger: TokenLedger;
  stop(): Promise<void>;
};

export async function startApiService(opts: ApiServiceOptions): Promise<ApiService> {
  const { log } = opts;
  const cleanup: (() => Promise<unknown>)[] = [];
  let listener: StartingServer | undefined;
  const stop = async () => {
    // The port first: no request reaches a store being closed.
    for (const step of [() => listener?.close() ?? Promise.resolve(), ...cleanup.splice(0).reverse()]) {
      await step().catch((e: Error) => log("api.stop_failed", { error: e.message }));
    }
    listener = undefined;
  };
  try {
    // Listening from the start, answering 503 ERR_STARTING (GET /health: what it waits for)
    // until the app is built: a request is answered at once, never left hanging.
    let phase = "opening its store";
    listener = await listenStarting({ host: opts.host, port: opts.port, listenOn: opts.listenOn, progress: () => ({ phase }) });
    const apiUrl = opts.publicUrl ?? listener.url;
    const voteHost = new URL(apiUrl).origin;

    const store = await ApiStore.open(opts.dataDir, log);
    cleanup.push(() => store.close());
    phase = "reaching the chain";
    const ballotChain = new BallotChain({
      rpcUrl: opts.chain.rpcUrl, rpcToken: opts.chain.rpcToken, chainId: opts.chain.chainId, ballotBox: opts.chain.ballotBox,
      organizerKey: opts.chain.organizer.privateKey, pollingIntervalMs: opts.chain.pollingIntervalMs,
    });
    cleanup.push(async () => ballotChain.destroy());
    // Like any transaction, through the public RPC: the grant is on chain for all to see.
    if (opts.chain.admin && (await ballotChain.ensureOrganizerRole(opts.chain.admin.privateKey))) {
      log("chain.organizer_granted", { organizer: opts.chain.organizer.address });
    }
    phase = "building its pages";

    const apps = new AppRegistry(store);
    // `urne app` reaches this running process through it (LevelDB has one writer).
    const adminSocket = await startAdminSocket(opts.dataDir, apps, log);
    if (adminSocket) cleanup.push(() => adminSocket.stop());
    const registry = new BallotRegistry(store);
    const vault = new PrivateKeyVault(store, opts.secrets.masterKey);
    // A ceremony with an operator's key names the organizer account: it alone can post that share (PROTOCOL.md §11.7).
    const ceremonies = new CeremonyRegistry(store, { chainId: opts.chain.chainId, ballotBox: opts.chain.ballotBox, operator: opts.chain.organizer.address }, vault);
    const ledger = new TokenLedger(store.sublevel<string>("issuer-ledger") as never);
    // Results say how much of what the relay acknowledged is final on chain; the relay says it over HTTP.
    const ballots = new BallotService({
      ceremonies,
      registry, vault, chain: ballotChain, tokenLedger: ledger, finality: relayFinality(opts.relayUrl),
      relay: relaySettler({ relayUrl: opts.relayUrl, organizer: opts.chain.organizer, chainId: opts.chain.chainId, ballotBox: opts.chain.ballotBox }),
    });

    const routers = [];
    const identity = typeof opts.identity === "function" ? opts.identity(apiUrl) : opts.identity;
    if (identity) {
      routers.push(issuerRouter({
        identity: createIdentityClient(identity),
        // Login hand-over and tokens: the vote host's own widget frame only, never a partner
        // page (it would receive the citizen's identity and a session). Which partner sites
        // may frame the widget is the widget page's frame-ancestors (server/web/widget-routes.ts).
        originPolicy: { isAllowed: async (origin) => origin === voteHost },
        ballots: issuerDirectory(registry, ballots),
        ledger,
        voterKeySecret: opts.secrets.voterKeySecret,
        sessionKey: opts.secrets.sessionKey,
        log,
      }));
    } else {
      log("issuer.not_mounted", { reason: "no identity provider configured (URNE_OIDC_ISSUER) and the dev provider is off" });
    }
    // The widget and the pages citizens see: the bundle built by `npm run build` (server/web/client-assets.ts).
    const bundle = loadClientBundle();
    const reads = new PublicReads(opts.publicReadsPerSecond);
    routers.push(webRouter({ bundle, widget: { apps, ballots, chain: ballotChain, rpcUrls: opts.publicRpcUrls, relayUrl: opts.relayUrl, reads } }));
    listener.serve(createApiApp({
      apps, ballots, ceremonies, chain: ballotChain, log, routers, bodyLimitBytes: opts.bodyLimitBytes, trustProxy: opts.trustProxy, storeHealth: () => store.health(), reads,
      wellKnown: { rpcUrls: opts.publicRpcUrls, apiUrl, relayUrl: opts.relayUrl, client: clientRelease(bundle, apiUrl) },
    }));
    return { apiUrl, apps, ballots, ballotChain, ledger, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
