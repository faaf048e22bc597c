// The processes `urne start` runs (server/supervisor/), each also usable alone, e.g. by two
// organizations that run the vote host and the relay apart (docs/OPERATIONS.md):
//   urne api     the vote host: organizer API, issuer (login, tokens), pages
//   urne relay   the relay: takes signed ballots, lands them on chain
//   urne demo    the demo partner site (development only)
// Each prints one JSON line per event, `<service>.ready` once it serves, and stops cleanly
// on SIGINT, SIGTERM, or when the supervisor that started it goes away.
import type net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { Wallet } from "ethers";
import { readChainServiceToken } from "../server/chain/chain-service-token.js";
import { nodeChainId } from "../server/chain/node-provider.js";
import { readOperatorKeys } from "../server/chain/operator-keys.js";
import { ensurePrivateDir } from "../server/config/private-file.js";
import { loadSecrets } from "../server/config/secrets.js";
import { trustProxy } from "../server/config/stack-options.js";
import { LISTENER, LISTENER_WANTED } from "../server/supervisor/service-process.js";

export const SERVICE_USAGE = `service commands (run by urne start; docs/OPERATIONS.md):
  urne api     --data DIR --rpc URL --ballot-box ADDR --relay-url URL [--host H] [--port N]
               [--public-url URL] [--dev-idp-issuer URL] [--block-interval-ms N]
  urne relay   --data DIR --rpc URL --ballot-box ADDR [--host H] [--port N] [--votes-per-address C/MS]
  urne demo    --data DIR --api URL [--port N]
`;

type Log = (event: string, fields: Record<string, unknown>) => void;
export const log: Log = (event, fields) => console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));

export function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (value === undefined || value === "") throw new Error(`--${name} is required`);
  return value;
}

export function port(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a port number, got "${value}"`);
  return n;
}

/** The operator key `name`: from the environment (an external chain), else the data directory's keys file. */
function operatorKey(dataDir: string, name: "admin" | "organizer" | "relayer", optional = false): Wallet | undefined {
  const fromEnv = process.env[`URNE_${name.toUpperCase()}_KEY`];
  if (fromEnv) return new Wallet(fromEnv);
  const key = readOperatorKeys(dataDir)?.find((k) => k.name === name);
  if (!key && !optional) throw new Error(`no "${name}" key: set URNE_${name.toUpperCase()}_KEY, or use the data directory of the embedded chain`);
  return key && new Wallet(key.privateKey);
}

/**
 * `--listener ipc`: the supervisor holds this service's port (answering 503 meanwhile,
 * server/supervisor/held-port.ts) and hands the listening socket over when asked: asked
 * when the service is about to listen, so no connection waits on a socket nobody accepts.
 */
function listenerFromSupervisor(mode: string | undefined): Promise<net.Server | undefined> {
  if (mode === undefined) return Promise.resolve(undefined);
  if (mode !== "ipc" || !process.send) throw new Error('--listener must be "ipc", under urne start');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the supervisor did not hand the listening socket over")), 30_000);
    const onMessage = (message: { type?: unknown }, handle: unknown) => {
      if (message?.type !== LISTENER) return;
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve(handle as net.Server);
    };
    process.on("message", onMessage);
    process.send!({ type: LISTENER_WANTED });
  });
}

/** Stops `stop` once, on a signal or when the supervisor's IPC channel closes. */
export function stopOn(service: string, stop: () => Promise<void>): void {
  let stopping = false;
  const once = (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`${service}.stopping`, { why });
    stop().then(() => process.exit(0), (error: Error) => {
      log(`${service}.stop_failed`, { error: error.message });
      process.exit(1);
    });
  };
  process.on("SIGINT", () => once("SIGINT"));
  process.on("SIGTERM", () => once("SIGTERM"));
  if (process.send) process.on("disconnect", () => once("supervisor gone"));
}

async function runApi(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: {
    data: { type: "string" }, host: { type: "string" }, port: { type: "string" }, rpc: { type: "string" }, "ballot-box": { type: "string" },
    "relay-url": { type: "string" }, "public-url": { type: "string" }, "dev-idp-issuer": { type: "string" }, "block-interval-ms": { type: "string" },
    listener: { type: "string" },
  } });
  const { startApiService, LOGIN_CALLBACK_PATH, DEV_IDP_CLIENT_ID } = await import("../server/api/api-service.js");
  const { stackOptions } = await import("../server/config/stack-options.js");
  // A login through the development provider (plain http, demo citizens) only where that
  // provider may run: never in production mode, nor with URNE_DEV_IDP=0 or a real provider.
  if (values["dev-idp-issuer"] !== undefined && !stackOptions({}, process.env).devIdp) {
    throw new Error("--dev-idp-issuer: the development identity provider is off here (production mode, URNE_DEV_IDP=0 or URNE_OIDC_ISSUER)");
  }
  const dataDir = path.resolve(required(values, "data"));
  await ensurePrivateDir(dataDir); // this process may be the first to open it (OPERATIONS.md §3)
  const rpcUrl = required(values, "rpc");
  const settings = stackOptions({ data: dataDir, ...(values["block-interval-ms"] ? { "block-interval-ms": values["block-interval-ms"] } : {}) });
  const { secrets } = loadSecrets(dataDir);
  const chainId = await nodeChainId(rpcUrl).catch((cause: Error) => { throw new Error(`--rpc: ${cause.message}`, { cause }); });
  const devIssuer = values["dev-idp-issuer"];
  const identity = settings.oidc
    ? (apiUrl: string) => ({ discoveryUrl: settings.oidc!.issuer, clientId: settings.oidc!.clientId, clientSecret: settings.oidc!.clientSecret, redirectUri: settings.oidc!.redirectUri ?? apiUrl + LOGIN_CALLBACK_PATH, ...(settings.oidc!.signingAlg ? { signingAlg: settings.oidc!.signingAlg } : {}) })
    : devIssuer
      ? (apiUrl: string) => ({ discoveryUrl: devIssuer, clientId: DEV_IDP_CLIENT_ID, clientSecret: secrets.devIdpClientSecret.toString("base64url"), redirectUri: apiUrl + LOGIN_CALLBACK_PATH, allowInsecureHttp: true })
      : undefined;
  const api = await startApiService({
    dataDir, host: values.host ?? "127.0.0.1", port: port(values.port, 8080), listenOn: await listenerFromSupervisor(values.listener), publicUrl: values["public-url"], secrets,
    chain: {
      rpcUrl, rpcToken: readChainServiceToken(dataDir), chainId, ballotBox: required(values, "ballot-box"),
      organizer: operatorKey(dataDir, "organizer")!, admin: operatorKey(dataDir, "admin", true),
      pollingIntervalMs: Math.min(250, Math.max(10, Math.floor(settings.blockIntervalMs / 4))),
    },
    publicRpcUrls: settings.publicRpcUrls ?? [rpcUrl], relayUrl: required(values, "relay-url"), identity,
    trustProxy: settings.trustProxy, bodyLimitBytes: settings.bodyLimitBytes, publicReadsPerSecond: settings.publicReadsPerSecond, log,
  });
  log("api.ready", { url: api.apiUrl });
  stopOn("api", api.stop);
}

async function runRelay(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: {
    data: { type: "string" }, host: { type: "string" }, port: { type: "string" }, rpc: { type: "string" }, "ballot-box": { type: "string" },
    "votes-per-address": { type: "string" }, listener: { type: "string" },
  } });
  const { startRelayService } = await import("../server/relay/relay-service.js");
  const dataDir = path.resolve(required(values, "data"));
  await ensurePrivateDir(dataDir); // this process may be the first to open it (OPERATIONS.md §3)
  const limit = values["votes-per-address"] === undefined ? undefined : /^(\d+)\/(\d+)$/.exec(values["votes-per-address"]);
  if (limit === null) throw new Error("--votes-per-address must be CAPACITY/REFILL_MS, e.g. 300/100");
  const relay = await startRelayService({
    dataDir, host: values.host ?? "127.0.0.1", port: port(values.port, 8081), listenOn: await listenerFromSupervisor(values.listener),
    rpcUrl: required(values, "rpc"), rpcToken: readChainServiceToken(dataDir),
    ballotBox: required(values, "ballot-box"), relayer: operatorKey(dataDir, "relayer")!, trustProxy: trustProxy(process.env.URNE_TRUST_PROXY), log,
    closeMarginSeconds: closeMargin(process.env.URNE_RELAY_CLOSE_MARGIN_S),
    ...(limit ? { votesPerAddress: { capacity: Number(limit[1]), refillMs: Number(limit[2]) } } : {}),
  });
  log("relay.ready", { url: relay.url, relayer: operatorKey(dataDir, "relayer")!.address });
  stopOn("relay", relay.stop);
}

/** URNE_RELAY_CLOSE_MARGIN_S: seconds before a ballot's close from which the relay takes no ballot (default 10). */
function closeMargin(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 3600) throw new Error(`URNE_RELAY_CLOSE_MARGIN_S must be an integer from 0 to 3600, got "${value}"`);
  return n;
}

async function runDemo(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { data: { type: "string" }, api: { type: "string" }, port: { type: "string" } } });
  const { startDemoPartner } = await import("../server/web/demo/demo-server.js");
  const dataDir = path.resolve(required(values, "data"));
  await ensurePrivateDir(dataDir); // this process may be the first to open it (OPERATIONS.md §3)
  const demo = await startDemoPartner({ apiUrl: required(values, "api"), dataDir, port: port(values.port, 8090), log });
  log("demo.ready", { url: demo.url });
  stopOn("demo", demo.stop);
}

export const SERVICE_COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  api: runApi, relay: runRelay, demo: runDemo,
};
