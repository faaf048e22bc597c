// `urne start`: the whole service on one data directory, in the order that lets each part
// find the previous one: secrets, embedded chain (and its BallotBox), the organizer's role,
// the API store, the API's HTTP port (bound first, so that port 0 works and the identity
// provider learns the real callback URL), the development identity provider, then the app.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir } from "node:fs/promises";
import { connectExternalChain } from "../chain/external-chain.js";
import { startChain, type Chain } from "../chain/node.js";
import { startDevIdentityProvider, type DevIdentityProvider } from "../../idp/index.js";
import { createIdentityClient } from "../identity/oidc-client.js";
import { issuerRouter } from "../issuer/routes.js";
import { TokenLedger } from "../issuer/token-ledger.js";
import { BallotBoxView } from "../relay/ballot-box-view.js";
import { RelayJournal } from "../relay/journal.js";
import { relayProvider } from "../relay/provider.js";
import { Relay } from "../relay/relay.js";
import { relayRouter } from "../relay/routes.js";
import { startAdminSocket } from "../admin/admin-socket.js";
import { AppRegistry } from "../apps/app-registry.js";
import { BallotChain } from "../ballots/ballot-chain.js";
import { BallotRegistry } from "../ballots/ballot-registry.js";
import { BallotService } from "../ballots/ballot-service.js";
import { issuerDirectory } from "../ballots/issuer-directory.js";
import { IssuerKeyVault } from "../ballots/issuer-key-vault.js";
import { loadSecrets } from "../config/secrets.js";
import type { StackOptions } from "../config/stack-options.js";
import { ApiStore } from "../store/api-store.js";
import { buildClient } from "../web/client-build.js";
import { webRouter } from "../web/index.js";
import { createApiApp } from "./app.js";
import type { LogFn } from "./ballot-routes.js";

export const LOGIN_CALLBACK_PATH = "/v1/login/callback";
export const DEV_IDP_CLIENT_ID = "urne-dev";

/** What the stack needs of its chain: the embedded node or an external network. */
export type StackChain = Pick<Chain, "rpcUrl" | "chainId" | "operators" | "sealPending" | "stop"> & { deployment: { ballotBox: string } | undefined };

export type Stack = {
  apiUrl: string;
  rpcUrl: string;
  idpIssuer: string | null;
  apps: AppRegistry;
  ballots: BallotService;
  chain: StackChain;
  ballotChain: BallotChain;
  /** The issuer's record of tokens signed (read at the close). */
  ledger: TokenLedger;
  stop(): Promise<void>;
};

export async function startStack(opts: StackOptions, log: LogFn = () => {}): Promise<Stack> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((e: Error) => log("stack.stop_failed", { error: e.message }));
  };
  try {
    await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
    const { secrets, sources } = loadSecrets(opts.dataDir, opts.env);
    log("secrets.loaded", { sources }); // where each came from; never a value

    // The embedded chain by default; an external EVM network when configured (docs/CHAIN.md §7).
    const chain: StackChain = opts.externalChain
      ? await connectExternalChain(opts.externalChain)
      : await startChain({ dataDir: opts.dataDir, host: opts.host, port: opts.chainPort, blockIntervalMs: opts.blockIntervalMs, chainId: opts.chainId, log });
    cleanup.push(() => chain.stop());
    if (!chain.deployment) throw new Error("the embedded chain has no BallotBox deployment");
    const { organizer, admin, relayer } = chain.operators;
    if (!organizer || !relayer) throw new Error("operator-keys.json lacks the organizer or relayer key");
    if (!admin && !opts.externalChain) throw new Error("operator-keys.json lacks the admin key");

    const ballotChain = new BallotChain({
      rpcUrl: chain.rpcUrl, chainId: chain.chainId, ballotBox: chain.deployment.ballotBox, organizerKey: organizer.privateKey,
      pollingIntervalMs: Math.min(250, Math.max(10, Math.floor(opts.blockIntervalMs / 4))),
    });
    cleanup.push(async () => ballotChain.destroy());
    // Like any transaction, through the public RPC: the grant is on chain for all to see.
    // (On an external network without URNE_ADMIN_KEY, connectExternalChain checked the role.)
    if (admin && (await ballotChain.ensureOrganizerRole(admin.privateKey))) log("chain.organizer_granted", { organizer: organizer.address });

    const store = await ApiStore.open(opts.dataDir);
    cleanup.push(() => store.close());
    const apps = new AppRegistry(store);
    // `urne app` reaches this running process through it (LevelDB has one writer).
    const adminSocket = await startAdminSocket(opts.dataDir, apps, log);
    if (adminSocket) cleanup.push(() => adminSocket.stop());
    const registry = new BallotRegistry(store);
    const ledger = new TokenLedger(store.sublevel<string>("issuer-ledger") as never);

    // The relay (server/relay): its journal in the API's LevelDB, its own provider and nonces.
    const relayRpc = await relayProvider(chain.rpcUrl);
    cleanup.push(async () => relayRpc.destroy());
    const relay = new Relay(await RelayJournal.open(store.db), new BallotBoxView(relayRpc, chain.deployment.ballotBox), relayer, { chainId: chain.chainId, submitter: { log } });
    await relay.start();
    cleanup.push(() => relay.stop());
    // Results say how much of what the relay acknowledged is final on chain (relayFinalShare).
    const ballots = new BallotService({ registry, vault: new IssuerKeyVault(store, secrets.masterKey), chain: ballotChain, tokenLedger: ledger, finality: relay });

    const server = http.createServer();
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.apiPort, opts.host, () => resolve());
    });
    cleanup.push(() => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
    const bound = server.address() as AddressInfo;
    const apiUrl = opts.publicUrl ?? `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${bound.port}`;

    let idp: DevIdentityProvider | undefined;
    let identityOptions;
    if (opts.oidc) {
      identityOptions = { discoveryUrl: opts.oidc.issuer, clientId: opts.oidc.clientId, clientSecret: opts.oidc.clientSecret, redirectUri: opts.oidc.redirectUri ?? apiUrl + LOGIN_CALLBACK_PATH, ...(opts.oidc.signingAlg ? { signingAlg: opts.oidc.signingAlg } : {}) };
    } else if (opts.devIdp) {
      const clientSecret = secrets.devIdpClientSecret.toString("base64url");
      idp = await startDevIdentityProvider({
        host: opts.host, port: opts.idpPort, env: opts.env,
        clients: [{ client_id: DEV_IDP_CLIENT_ID, client_secret: clientSecret, redirect_uris: [apiUrl + LOGIN_CALLBACK_PATH], client_name: "urne (développement)" }],
      });
      cleanup.push(() => idp!.stop());
      identityOptions = { discoveryUrl: idp.issuer, clientId: DEV_IDP_CLIENT_ID, clientSecret, redirectUri: apiUrl + LOGIN_CALLBACK_PATH, allowInsecureHttp: true };
    }

    const routers = [relayRouter(relay)];
    if (identityOptions) routers.push(issuerRouter({
      identity: createIdentityClient(identityOptions),
      // Login (no ballot): any live app's origin. A token for a ballot: only the origins of
      // the app that owns that ballot, so one organizer's widget cannot get another's tokens.
      // The hosted widget (/widget/:id) runs on the API's own origin, for every ballot:
      // which sites may frame it is enforced by its frame-ancestors (server/web/widget-routes.ts).
      originPolicy: {
        isAllowed: async (origin, ballotId) => {
          if (origin === new URL(apiUrl).origin) return true;
          if (ballotId === undefined) return (await apps.liveOrigins()).has(origin);
          const record = await registry.get(ballotId.toString());
          const app = record && (await apps.get(record.appId));
          return !!app && app.revokedAt === null && app.origins.includes(origin);
        },
      },
      ballots: issuerDirectory(registry, ballots),
      ledger,
      voterKeySecret: secrets.voterKeySecret,
      sessionKey: secrets.sessionKey,
      log,
    }));
    else log("issuer.not_mounted", { reason: "no identity provider configured (URNE_OIDC_ISSUER) and the dev provider is off" });

    // The widget and the pages citizens see, bundled in memory (server/web/client-build.ts).
    const publicRpcUrls = opts.publicRpcUrls ?? [chain.rpcUrl];
    routers.push(webRouter({ bundle: await buildClient(), widget: { apps, ballots, chain: ballotChain, rpcUrls: publicRpcUrls } }));
    server.on("request", createApiApp({
      apps, ballots, chain: ballotChain, log, routers, bodyLimitBytes: opts.bodyLimitBytes, trustProxy: opts.trustProxy,
      wellKnown: { rpcUrls: publicRpcUrls, apiUrl },
    }));
    return { apiUrl, rpcUrl: chain.rpcUrl, idpIssuer: idp?.issuer ?? null, apps, ballots, chain, ballotChain, ledger, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
