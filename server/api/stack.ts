// The whole service in ONE process, each part on its own port and store as in `urne start`
// (which runs them as separate processes, server/supervisor/): the chain (embedded, or an
// external network), the relay, the development identity provider, then the vote host
// (API, issuer, pages). Tests and benchmarks use it; the parts are the very functions the
// supervisor's processes call.
import { connectExternalChain } from "../chain/external-chain.js";
import { startChain, type Chain } from "../chain/node.js";
import { startDevIdentityProvider, type DevIdentityProvider } from "../../idp/index.js";
import type { AppRegistry } from "../apps/app-registry.js";
import type { BallotChain } from "../ballots/ballot-chain.js";
import type { BallotService } from "../ballots/ballot-service.js";
import { ensurePrivateDir } from "../config/private-file.js";
import { loadSecrets } from "../config/secrets.js";
import type { StackOptions } from "../config/stack-options.js";
import type { IdentityClientOptions } from "../identity/oidc-client.js";
import type { TokenLedger } from "../issuer/token-ledger.js";
import { resolvePort } from "../process/free-port.js";
import type { Relay } from "../relay/relay.js";
import { startRelayService } from "../relay/relay-service.js";
import { migrateRelayJournal } from "../relay/relay-store-migration.js";
import { DEV_IDP_CLIENT_ID, LOGIN_CALLBACK_PATH, startApiService } from "./api-service.js";
import type { LogFn } from "./ballot-routes.js";

export { DEV_IDP_CLIENT_ID, LOGIN_CALLBACK_PATH };

/** What the stack needs of its chain: the embedded node or an external network. */
export type StackChain = Pick<Chain, "rpcUrl" | "chainId" | "operators" | "sealPending" | "stop"> & {
  deployment: { ballotBox: string } | undefined;
  /** The door's service token, for urne's own chain. */
  serviceToken?: string;
};

export type Stack = {
  apiUrl: string;
  relayUrl: string;
  rpcUrl: string;
  idpIssuer: string | null;
  apps: AppRegistry;
  ballots: BallotService;
  chain: StackChain;
  ballotChain: BallotChain;
  relay: Relay;
  /** The issuer's record of tokens signed (read at the close). */
  ledger: TokenLedger;
  stop(): Promise<void>;
};

const origin = (host: string, port: number) => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

export async function startStack(opts: StackOptions, log: LogFn = () => {}): Promise<Stack> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((e: Error) => log("stack.stop_failed", { error: e.message }));
  };
  try {
    await prepareDataDir(opts.dataDir);
    const { secrets, sources } = loadSecrets(opts.dataDir, opts.env);
    log("secrets.loaded", { sources }); // where each came from; never a value
    await migrateRelayJournal(opts.dataDir, log);

    // The embedded chain by default; an external EVM network when configured (docs/CHAIN.md §7).
    const chain: StackChain = opts.externalChain
      ? await connectExternalChain(opts.externalChain)
      : await startChain({ dataDir: opts.dataDir, host: opts.host, port: opts.chainPort, blockIntervalMs: opts.blockIntervalMs, chainId: opts.chainId, limits: opts.doorLimits, log });
    cleanup.push(() => chain.stop());
    if (!chain.deployment) throw new Error("the embedded chain has no BallotBox deployment");
    const { organizer, admin, relayer } = chain.operators;
    if (!organizer || !relayer) throw new Error("operator-keys.json lacks the organizer or relayer key");
    if (!admin && !opts.externalChain) throw new Error("operator-keys.json lacks the admin key");

    // Every port known before anything listens: each service is told the others' URLs.
    const apiPort = await resolvePort(opts.apiPort, opts.host);
    const apiUrl = opts.publicUrl ?? origin(opts.host, apiPort);
    const relayService = await startRelayService({
      dataDir: opts.dataDir, host: opts.host, port: opts.relayPort, rpcUrl: chain.rpcUrl, rpcToken: chain.serviceToken,
      ballotBox: chain.deployment.ballotBox, relayer, trustProxy: opts.trustProxy, log,
    });
    cleanup.push(() => relayService.stop());
    const relayUrl = opts.publicRelayUrl ?? relayService.url;

    let idp: DevIdentityProvider | undefined;
    let identity: IdentityClientOptions | undefined;
    if (opts.oidc) {
      identity = { discoveryUrl: opts.oidc.issuer, clientId: opts.oidc.clientId, clientSecret: opts.oidc.clientSecret, redirectUri: opts.oidc.redirectUri ?? apiUrl + LOGIN_CALLBACK_PATH, ...(opts.oidc.signingAlg ? { signingAlg: opts.oidc.signingAlg } : {}) };
    } else if (opts.devIdp) {
      const clientSecret = secrets.devIdpClientSecret.toString("base64url");
      idp = await startDevIdentityProvider({
        host: opts.host, port: opts.idpPort, env: opts.env,
        clients: [{ client_id: DEV_IDP_CLIENT_ID, client_secret: clientSecret, redirect_uris: [apiUrl + LOGIN_CALLBACK_PATH], client_name: "urne (développement)" }],
      });
      cleanup.push(() => idp!.stop());
      identity = { discoveryUrl: idp.issuer, clientId: DEV_IDP_CLIENT_ID, clientSecret, redirectUri: apiUrl + LOGIN_CALLBACK_PATH, allowInsecureHttp: true };
    }

    const api = await startApiService({
      dataDir: opts.dataDir, host: opts.host, port: apiPort, publicUrl: apiUrl, secrets,
      chain: {
        rpcUrl: chain.rpcUrl, rpcToken: chain.serviceToken, chainId: chain.chainId, ballotBox: chain.deployment.ballotBox, organizer, admin,
        pollingIntervalMs: Math.min(250, Math.max(10, Math.floor(opts.blockIntervalMs / 4))),
      },
      publicRpcUrls: opts.publicRpcUrls ?? [chain.rpcUrl],
      relayUrl, identity, trustProxy: opts.trustProxy, bodyLimitBytes: opts.bodyLimitBytes, publicReadsPerSecond: opts.publicReadsPerSecond, log,
    });
    cleanup.push(() => api.stop());
    return {
      apiUrl: api.apiUrl, relayUrl, rpcUrl: chain.rpcUrl, idpIssuer: idp?.issuer ?? null,
      apps: api.apps, ballots: api.ballots, chain, ballotChain: api.ballotChain, relay: relayService.relay, ledger: api.ledger, stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The data directory, readable by its owner only: it holds the stores and the secrets. An
 * existing directory is tightened too (mkdir's mode applies to new ones only). Each
 * service and store that opens it alone does the same (ensurePrivateDir).
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await ensurePrivateDir(dataDir);
}
