// The vote host as a service of its own (`urne api`, and one of `urne start`'s processes):
// the organizer API (apps, ballots), the issuer (citizen login, one blind token per voter
// per ballot), and the pages citizens see (the widget, verify, results). Its own LevelDB
// (`<data>/api`), its own HTTP origin. It never receives a ballot: the widget sends those
// to the relay, another process with another origin and another store (relay-service.ts).
import http from "node:http";
import type { Wallet } from "ethers";
import { startAdminSocket } from "../admin/admin-socket.js";
import { listen } from "../http/listen.js";
import { AppRegistry } from "../apps/app-registry.js";
import { BallotChain } from "../ballots/ballot-chain.js";
import { BallotRegistry } from "../ballots/ballot-registry.js";
import { BallotService } from "../ballots/ballot-service.js";
import { issuerDirectory } from "../ballots/issuer-directory.js";
import { IssuerKeyVault } from "../ballots/issuer-key-vault.js";
import { relayFinality } from "../ballots/relay-finality.js";
import { relaySettler } from "../ballots/relay-settle.js";
import type { Secrets } from "../config/secrets.js";
import { createIdentityClient, type IdentityClientOptions } from "../identity/oidc-client.js";
import { issuerRouter } from "../issuer/routes.js";
import { TokenLedger } from "../issuer/token-ledger.js";
import { ApiStore } from "../store/api-store.js";
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
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((e: Error) => log("api.stop_failed", { error: e.message }));
  };
  try {
    const ballotChain = new BallotChain({
      rpcUrl: opts.chain.rpcUrl, rpcToken: opts.chain.rpcToken, chainId: opts.chain.chainId, ballotBox: opts.chain.ballotBox,
      organizerKey: opts.chain.organizer.privateKey, pollingIntervalMs: opts.chain.pollingIntervalMs,
    });
    cleanup.push(async () => ballotChain.destroy());
    // Like any transaction, through the public RPC: the grant is on chain for all to see.
    if (opts.chain.admin && (await ballotChain.ensureOrganizerRole(opts.chain.admin.privateKey))) {
      log("chain.organizer_granted", { organizer: opts.chain.organizer.address });
    }

    const store = await ApiStore.open(opts.dataDir);
    cleanup.push(() => store.close());
    const apps = new AppRegistry(store);
    // `urne app` reaches this running process through it (LevelDB has one writer).
    const adminSocket = await startAdminSocket(opts.dataDir, apps, log);
    if (adminSocket) cleanup.push(() => adminSocket.stop());
    const registry = new BallotRegistry(store);
    const ledger = new TokenLedger(store.sublevel<string>("issuer-ledger") as never);
    // Results say how much of what the relay acknowledged is final on chain; the relay says it over HTTP.
    const ballots = new BallotService({
      registry, vault: new IssuerKeyVault(store, opts.secrets.masterKey), chain: ballotChain, tokenLedger: ledger, finality: relayFinality(opts.relayUrl),
      relay: relaySettler({ relayUrl: opts.relayUrl, organizer: opts.chain.organizer, chainId: opts.chain.chainId, ballotBox: opts.chain.ballotBox }),
    });

    // Until the app is built, every request is answered (503, retry), never left hanging.
    let handle: http.RequestListener = (_req, res) => {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1", "cache-control": "no-store" })
        .end(JSON.stringify({ error: { code: "ERR_STARTING", message: "The service is starting; try again in a moment." } }));
    };
    const server = http.createServer((req, res) => handle(req, res));
    server.requestTimeout = 30_000;
    const listener = await listen(server, opts.port, opts.host);
    cleanup.push(() => listener.close());
    const apiUrl = opts.publicUrl ?? listener.url;
    const voteHost = new URL(apiUrl).origin;

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
    routers.push(webRouter({ bundle, widget: { apps, ballots, chain: ballotChain, rpcUrls: opts.publicRpcUrls, relayUrl: opts.relayUrl } }));
    handle = createApiApp({
      apps, ballots, chain: ballotChain, log, routers, bodyLimitBytes: opts.bodyLimitBytes, trustProxy: opts.trustProxy,
      wellKnown: { rpcUrls: opts.publicRpcUrls, apiUrl, relayUrl: opts.relayUrl, client: clientRelease(bundle, apiUrl) },
    });
    return { apiUrl, apps, ballots, ballotChain, ledger, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
