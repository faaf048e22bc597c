// `urne start`: the whole service on embedded defaults, as separate processes that fail
// and restart apart (docs/ARCHITECTURE.md §2, Processes):
//   chain    the embedded chain and its public JSON-RPC door (none on an external network)
//   relay    takes signed ballots, lands them on chain (its own store and origin)
//   dev-idp  the development identity provider (development only: run from the entry that
//            has it, urne-dev; the production entry gives none and never starts it)
//   api      the vote host: organizer API, issuer, pages (its own store and origin)
//   demo     the demo partner site (development only)
// Started in that order, each told the others' URLs (every port is known before anything
// listens); `urne.ready` once all serve. A process that dies after having served is
// started again; one that cannot start stops `urne start` with its last words.
import { pathToFileURL } from "node:url";
import { connectExternalChain } from "../chain/external-chain.js";
import { ensurePrivateDir } from "../config/private-file.js";
import { loadSecrets } from "../config/secrets.js";
import type { StackOptions } from "../config/stack-options.js";
import { resolvePort } from "../process/free-port.js";
import { migrateRelayJournal } from "../relay/relay-store-migration.js";
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
  const run = async (name: string, args: string[], entry?: URL) => {
    const service = new ServiceProcess({ name, args, ...(entry ? { entry } : {}) }, log);
    services.set(name, service);
    return service.start();
  };
  try {
    // Before any process opens a store: the data directory, its secrets, an old layout moved.
    // The data directory, readable by its owner only: it holds the stores and the secrets.
    await ensurePrivateDir(opts.dataDir);
    const { sources } = loadSecrets(opts.dataDir, opts.env);
    log("secrets.loaded", { sources });
    await migrateRelayJournal(opts.dataDir, log);

    let rpcUrl: string, chainId: string, ballotBox: string;
    if (opts.externalChain) {
      const external = await connectExternalChain(opts.externalChain);
      ({ rpcUrl } = external);
      chainId = external.chainId.toString();
      ballotBox = external.deployment.ballotBox;
    } else {
      const chainPort = await resolvePort(opts.chainPort, opts.host);
      const chain = await run("chain", [
        "--data", opts.dataDir, "--host", opts.host, "--port", String(chainPort), "--block-interval-ms", String(opts.blockIntervalMs),
        ...(opts.chainId === undefined ? [] : ["--chain-id", opts.chainId.toString()]),
      ]);
      if (typeof chain.ballotBox !== "string") throw new Error("the embedded chain has no BallotBox deployment");
      ({ rpcUrl } = chain as { rpcUrl: string });
      chainId = String(chain.chainId);
      ballotBox = chain.ballotBox;
    }

    const [apiPort, relayPort] = [await resolvePort(opts.apiPort, opts.host), await resolvePort(opts.relayPort, opts.host)];
    const apiUrl = opts.publicUrl ?? url(opts.host, apiPort);
    const relay = await run("relay", ["--data", opts.dataDir, "--host", opts.host, "--port", String(relayPort), "--rpc", rpcUrl, "--ballot-box", ballotBox]);
    const relayUrl = opts.publicRelayUrl ?? String(relay.url);

    let issuer: string | null = null;
    if (!opts.oidc && opts.devIdp) {
      if (!entries.devIdpEntry) throw new Error("this urne has no development identity provider (it comes with urne-dev, `npm start`): configure URNE_OIDC_ISSUER");
      const idpPort = await resolvePort(opts.idpPort, opts.host);
      const idp = await run("dev-idp", ["--data", opts.dataDir, "--host", opts.host, "--port", String(idpPort), "--redirect-uri", apiUrl + LOGIN_CALLBACK_PATH], pathToFileURL(entries.devIdpEntry));
      issuer = String(idp.issuer);
    }
    await run("api", [
      "--data", opts.dataDir, "--host", opts.host, "--port", String(apiPort), "--public-url", apiUrl, "--rpc", rpcUrl, "--ballot-box", ballotBox,
      "--relay-url", relayUrl, "--block-interval-ms", String(opts.blockIntervalMs), ...(issuer ? ["--dev-idp-issuer", issuer] : []),
    ]);

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
    throw error;
  }
}
