// `urne start`: the whole service on embedded defaults, as separate processes that fail
// and restart apart (docs/ARCHITECTURE.md §2, Processes):
//   chain    the embedded chain and its public JSON-RPC door (none on an external network)
//   relay    takes signed ballots, lands them on chain (its own store and origin)
//   dev-idp  the development identity provider (development only: run from the entry that
//            has it, urne-dev; the production entry gives none and never starts it)
//   api      the vote host: organizer API, issuer, pages (its own store and origin)
//   demo     the demo partner site (development only)
// Started in that order, each told the others' URLs; `urne.ready` once all serve. The
// relay's and the vote host's ports are bound here first, before the chain starts, and
// answer 503 ERR_STARTING (GET /health: what they wait for, how far the chain's replay is)
// until their process takes the socket over (held-port.ts). A process that dies after
// having served is started again; one that cannot start stops `urne start` with its last words.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { connectExternalChain } from "../chain/external-chain.js";
import { ensurePrivateDir } from "../config/private-file.js";
import { loadSecrets } from "../config/secrets.js";
import type { StackOptions } from "../config/stack-options.js";
import { resolvePort } from "../process/free-port.js";
import { HeldPort } from "./held-port.js";
import { migrateRelayJournal } from "../relay/relay-store-migration.js";
import { RELAY_DB_DIR } from "../relay/final-record.js";
import { describeRelayKeys } from "../relay/journal.js";
import { API_DB_DIR, describeApiKeys } from "../store/api-store.js";
import { checkStore } from "../store/store-check.js";
import { LOGIN_CALLBACK_PATH } from "../api/api-service.js";
import { ServiceProcess, type Log } from "./service-process.js";

export type Supervised = {
  services: Map<string, ServiceProcess>;
  ready: { api: string; relay: string; rpc: string; identityProvider: string | null; chainId: string; ballotBox: string; demo?: string };
  stop(): Promise<void>;
};

const url = (host: string, port: number) => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

export type SupervisorEntries = {
  /** The command line file that has `dev-idp` (scripts/urne-dev); none in production. */
  devIdpEntry?: string;
};

export async function startSupervised(opts: StackOptions, log: Log, entries: SupervisorEntries = {}): Promise<Supervised> {
  const services = new Map<string, ServiceProcess>();
  const stop = async () => {
    // The reverse of the start: nobody is left talking to a process that is gone.
    for (const service of [...services.values()].reverse()) await service.stop();
  };
  const run = async (name: string, args: string[], how: { port?: HeldPort; watch?: Log; entry?: URL } = {}) => {
    const service = new ServiceProcess({ name, args, ...(how.port ? { port: how.port } : {}), ...(how.entry ? { entry: how.entry } : {}) }, how.watch ?? log);
    services.set(name, service);
    return service.start();
  };
  // What the held ports say while their service is not up yet.
  let waitingFor = "chain";
  let chain: Record<string, unknown> = { status: "starting" };
  const progress = () => ({ waitingFor, chain });
  const watchChain: Log = (event, fields) => {
    if (event === "chain.listening") chain = { status: "replaying", replay: { block: 0, of: fields.replaying } };
    if (event === "chain.replay_progress") chain = { status: "replaying", replay: { block: fields.block, of: fields.of } };
    if (event === "chain.replayed") chain = { status: "ok" };
    log(event, fields);
  };
  const apiPort = new HeldPort(opts.host, opts.apiPort, progress);
  const relayPort = new HeldPort(opts.host, opts.relayPort, progress);
  const release = () => Promise.all([apiPort.release(), relayPort.release()]);
  try {
    // Before any process opens a store: the data directory, its secrets, an old layout moved.
    // The data directory, readable by its owner only: it holds the stores and the secrets.
    await ensurePrivateDir(opts.dataDir);
    const { sources } = loadSecrets(opts.dataDir, opts.env);
    log("secrets.loaded", { sources });
    await migrateRelayJournal(opts.dataDir, log);
    // The relay's and the vote host's stores are checked before any process starts: one
    // damaged refuses the start before the chain has opened (and so rewritten) its journal.
    // The chain checks its own before it opens it, first of all.
    await checkStore(path.join(opts.dataDir, RELAY_DB_DIR), describeRelayKeys);
    await checkStore(path.join(opts.dataDir, API_DB_DIR), describeApiKeys);
    log("urne.listening", { api: url(opts.host, await apiPort.hold()), relay: url(opts.host, await relayPort.hold()) });

    let rpcUrl: string, chainId: string, ballotBox: string;
    if (opts.externalChain) {
      const external = await connectExternalChain(opts.externalChain);
      ({ rpcUrl } = external);
      chainId = external.chainId.toString();
      ballotBox = external.deployment.ballotBox;
    } else {
      const chainPort = await resolvePort(opts.chainPort, opts.host);
      const started = await run("chain", [
        "--data", opts.dataDir, "--host", opts.host, "--port", String(chainPort), "--block-interval-ms", String(opts.blockIntervalMs),
        ...(opts.chainId === undefined ? [] : ["--chain-id", opts.chainId.toString()]),
      ], { watch: watchChain });
      if (typeof started.ballotBox !== "string") throw new Error("the embedded chain has no BallotBox deployment");
      ({ rpcUrl } = started as { rpcUrl: string });
      chainId = String(started.chainId);
      ballotBox = started.ballotBox;
    }
    chain = { status: "ok" };

    const apiUrl = opts.publicUrl ?? url(opts.host, apiPort.port);
    waitingFor = "relay";
    const relay = await run("relay", ["--data", opts.dataDir, "--host", opts.host, "--port", String(relayPort.port), "--rpc", rpcUrl, "--ballot-box", ballotBox], { port: relayPort });
    const relayUrl = opts.publicRelayUrl ?? String(relay.url);
    waitingFor = "api";

    let issuer: string | null = null;
    if (!opts.oidc && opts.devIdp) {
      if (!entries.devIdpEntry) throw new Error("this urne has no development identity provider (it comes with urne-dev, `npm start`): configure URNE_OIDC_ISSUER");
      const idpPort = await resolvePort(opts.idpPort, opts.host);
      const idp = await run("dev-idp", ["--data", opts.dataDir, "--host", opts.host, "--port", String(idpPort), "--redirect-uri", apiUrl + LOGIN_CALLBACK_PATH], { entry: pathToFileURL(entries.devIdpEntry) });
      issuer = String(idp.issuer);
    }
    await run("api", [
      "--data", opts.dataDir, "--host", opts.host, "--port", String(apiPort.port), "--public-url", apiUrl, "--rpc", rpcUrl, "--ballot-box", ballotBox,
      "--relay-url", relayUrl, "--block-interval-ms", String(opts.blockIntervalMs), ...(issuer ? ["--dev-idp-issuer", issuer] : []),
    ], { port: apiPort });

    // Development only: the demo partner site. A busy port must not stop the vote service.
    let demo: string | undefined;
    if (opts.demoPort !== null) {
      try {
        const started = await run("demo", ["--data", opts.dataDir, "--api", apiUrl, "--port", String(opts.demoPort)]);
        demo = String(started.url);
      } catch (error) {
        log("demo.failed", { error: (error as Error).message, port: opts.demoPort });
        await services.get("demo")?.stop();
        services.delete("demo");
      }
    }
    return { services, stop, ready: { api: apiUrl, relay: relayUrl, rpc: rpcUrl, identityProvider: issuer, chainId, ballotBox, ...(demo ? { demo } : {}) } };
  } catch (error) {
    await stop();
    await release();
    throw error;
  }
}
