// The `urne` command line, shared by its two entries (docs/ARCHITECTURE.md §7):
//   scripts/urne.ts      production: the `urne` command (package.json "bin" → bin/urne.js →
//                        dist/scripts/urne.js); it never imports idp/
//   scripts/urne-dev.ts  development (`npm start`): the same commands, plus the development
//                        identity provider (`urne-dev dev-idp`), which `start` runs with the
//                        demo partner site when no real provider is configured
//   urne start  [--data DIR] [--port N] [--chain-port N] ... (docs/OPERATIONS.md)
//   urne chain  [--data DIR] [--port N] [--host H] [--block-interval-ms N] [--chain-id N]
//   urne app    create|list|revoke (scripts/urne-app.ts)
//   urne observe|recount|verify|fingerprint|submit|check-client|audit-ballot: the observer tools (observer/cli/<command>.ts), which
//   parse their own options and import protocol/ only, never server/.
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { StackFlags } from "../server/config/stack-options.js";
import type { Log } from "../server/supervisor/service-process.js";
import { APP_USAGE, runAppCommand } from "./urne-app.js";
import { runDeploy } from "./urne-deploy.js";
import { SERVICE_COMMANDS, SERVICE_USAGE } from "./urne-services.js";

/** What one entry of the command line adds to the shared commands. */
export type Edition = {
  /** The command's name in its usage. */
  name: "urne" | "urne-dev";
  /** Service commands of this entry only (urne-dev's `dev-idp`), with their usage. */
  services: Record<string, (args: string[]) => Promise<void>>;
  servicesUsage: string;
  /**
   * The file (this entry) that the supervisor runs the development identity provider
   * with; undefined in production, whose `start` neither runs it nor takes its flags.
   */
  devIdpEntry?: string;
};

const DEV_START_OPTIONS = `  --idp-port N             development identity provider port (env URNE_DEV_IDP_PORT, default 4010)
  --no-dev-idp             do not start the development identity provider
  --demo-port N            demo partner site, development only (env URNE_DEMO_PORT, default 8090; 0 = any free port)
`;

const usage = (edition: Edition) => `usage: ${edition.name} <command> [options]

commands:
${edition.devIdpEntry
  ? `  start   run the whole urne service on embedded defaults: chain, relay, development
          identity provider (unless a real one is configured), API, demo site, each its
          own process (restarted apart when one fails)`
  : `  start   run the whole urne service: chain, relay, API, each its own process (restarted
          apart when one fails); citizens log in with the OpenID provider configured
          (URNE_OIDC_ISSUER; the development one comes with urne-dev, \`npm start\`)`}
  chain   run the embedded chain alone: journal, sealer and public JSON-RPC
  app     manage organizer apps and their API keys (urne app --help)
  deploy  deploy the BallotBox on an EVM network urne does not run (urne deploy --help)
  observe mirror the ballot box from one or more nodes and watch for divergence (urne observe --help)
  recount re-verify every ballot and recount it from a node or a mirror (urne recount --help)
  verify  check a proof of vote against any node (urne verify --help)
  fingerprint  a ballot's fingerprint, read and checked on any nodes (urne fingerprint --help)
  submit  send a signed ballot straight to a node, free, without a relay (urne submit --help)
  check-client  check that a vote host serves the browser code of a release (urne check-client --help)
  audit-ballot  check a sealed ballot's audit file: it encrypts the choice shown (urne audit-ballot --help)
  trustee join|deal|finish|check-key  a trustee's part in a sealed ballot's key ceremony (urne trustee --help)

options of start (docs/OPERATIONS.md lists the environment variables):
  --data DIR               data directory (env URNE_DATA_DIR, default ./data)
  --host H                 address of every server (env URNE_HOST, default 127.0.0.1)
  --port N                 API port (env URNE_API_PORT, default 8080; 0 = any free port)
  --relay-port N           relay port, another origin (env URNE_RELAY_PORT, default 8081)
  --chain-port N           chain JSON-RPC port (env URNE_CHAIN_PORT, default 8545)
  --public-url URL         the API's public base URL (env URNE_PUBLIC_URL)
${edition.devIdpEntry ? DEV_START_OPTIONS : ""}  --block-interval-ms N    seal a block this often when transactions wait (default 1000)
  --chain-id N             chain id of a NEW chain (default 1970433637, "urne")

options of chain:
  --data DIR, --host H, --block-interval-ms N, --chain-id N as above
  --port N                 JSON-RPC port (env URNE_CHAIN_PORT, default 8545)

${APP_USAGE}
${SERVICE_USAGE}${edition.servicesUsage}`;

/** One JSON object per line on stdout: what happened, never a key, a ballot or a body. */
const log: Log = (event, fields) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

// The chain and the stack load Hardhat's EVM, the OpenID provider and the web bundle:
// imported when started, so that `urne app`, `deploy` and the observer verbs start fast.
async function runChain(values: Record<string, string | boolean | undefined>) {
  const { startChain } = await import("../server/chain/node.js");
  const { doorLimitsFromEnv } = await import("../server/chain/door-limits.js");
  const str = (k: string) => values[k] as string | undefined;
  const chain = await startChain({
    limits: doorLimitsFromEnv(process.env),
    trustProxyHops: integer("URNE_CHAIN_TRUST_PROXY", process.env.URNE_CHAIN_TRUST_PROXY, 0, 0),
    dataDir: str("data") ?? process.env.URNE_DATA_DIR ?? "./data",
    host: str("host") ?? "127.0.0.1",
    port: integer("--port", str("port") ?? process.env.URNE_CHAIN_PORT, 8545, 0),
    blockIntervalMs: integer("--block-interval-ms", str("block-interval-ms"), 1000, 1),
    chainId: str("chain-id") === undefined ? undefined : BigInt(str("chain-id")!),
    log,
  });
  log("chain.ready", {
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId.toString(),
    ballotBox: chain.deployment?.ballotBox ?? null,
    head: chain.head().number,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("chain.stopping", { signal });
    await chain.stop(); // closes LevelDB cleanly; a kill -9 loses nothing final either
    log("chain.stopped", {});
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // Started by `urne start`: its supervisor going away (even killed) closes this channel.
  if (process.send) process.on("disconnect", () => void stop("supervisor gone"));
}

async function runStart(values: StackFlags, edition: Edition) {
  const { startSupervised } = await import("../server/supervisor/supervisor.js");
  const { stackOptions } = await import("../server/config/stack-options.js");
  // Production has no development provider to start: as if --no-dev-idp (and so no demo site).
  const options = stackOptions(edition.devIdpEntry ? values : { ...values, "no-dev-idp": true });
  const supervised = await startSupervised(options, log, { devIdpEntry: edition.devIdpEntry });
  const { ready } = supervised;
  log("urne.ready", { ...ready, wellKnown: `${ready.api}/.well-known/urne.json` });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("urne.stopping", { signal });
    await supervised.stop();
    log("urne.stopped", {});
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

/** Verbs of the outside parties (observers, trustees): each module exports `run(args): Promise<exit code>`. */
const OBSERVER_COMMANDS: Record<string, string> = {
  observe: "../observer/cli/observe.js",
  recount: "../observer/cli/recount.js",
  verify: "../observer/cli/verify.js",
  fingerprint: "../observer/cli/fingerprint.js",
  submit: "../observer/cli/submit.js",
  "check-client": "../observer/cli/check-client.js",
  "audit-ballot": "../observer/cli/audit-ballot.js",
  trustee: "../trustee/cli/trustee.js",
};

async function main(argv: string[], edition: Edition) {
  if (argv[0] === "deploy") {
    process.exitCode = await runDeploy(argv.slice(1));
    return;
  }
  const service = { ...SERVICE_COMMANDS, ...edition.services }[argv[0] ?? ""];
  if (service !== undefined) return service(argv.slice(1));
  const observerModule = OBSERVER_COMMANDS[argv[0] ?? ""];
  if (observerModule !== undefined) {
    const { run } = (await import(observerModule)) as { run: (args: string[]) => Promise<number> };
    process.exitCode = await run(argv.slice(1));
    return;
  }
  const devFlags: ParseArgsConfig["options"] = edition.devIdpEntry
    ? { "idp-port": { type: "string" }, "demo-port": { type: "string" }, "no-dev-idp": { type: "boolean" } }
    : {};
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "block-interval-ms": { type: "string" },
      "chain-id": { type: "string" },
      "chain-port": { type: "string" },
      "relay-port": { type: "string" },
      "public-url": { type: "string" },
      ...devFlags,
      name: { type: "string" },
      origin: { type: "string", multiple: true },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(usage(edition));
    process.exit(command || values.help ? 0 : 2);
  }
  switch (command) {
    case "chain":
      return runChain(values as Record<string, string | boolean | undefined>);
    case "start":
      return runStart(values as StackFlags, edition);
    case "app":
      process.exitCode = await runAppCommand(positionals.slice(1), values as Parameters<typeof runAppCommand>[1]);
      return;
    default:
      process.stderr.write(`${edition.name}: unknown command "${command}"\n\n${usage(edition)}`);
      process.exit(2);
  }
}

/** Runs the command line `argv` (process.argv without node and the script) as `edition`. */
export function runUrne(argv: string[], edition: Edition): void {
  main(argv, edition).catch((error: Error) => {
    console.error(JSON.stringify({ time: new Date().toISOString(), event: "urne.failed", error: error.message }));
    process.exit(1);
  });
}
