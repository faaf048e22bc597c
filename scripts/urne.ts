// `urne` command line (package.json "bin" → bin/urne.js → here).
//   urne chain [--data DIR] [--port N] [--host H] [--block-interval-ms N] [--chain-id N]
//   urne start  (for now the same as `chain`: the whole service on embedded defaults)
import { parseArgs } from "node:util";
import { startChain } from "../server/chain/node.js";

const USAGE = `usage: urne <command> [options]

commands:
  chain   run the embedded chain: journal, sealer and public JSON-RPC
  start   run the whole urne service on embedded defaults

options:
  --data DIR               data directory (env URNE_DATA_DIR, default ./data)
  --port N                 JSON-RPC port (env URNE_CHAIN_PORT, default 8545)
  --host H                 JSON-RPC address (default 127.0.0.1)
  --block-interval-ms N    seal a block this often when transactions wait (default 1000)
  --chain-id N             chain id of a NEW chain (default 1970433637, "urne")
`;

/** One JSON object per line on stdout: what happened, never a key, a ballot or a body. */
const log = (event: string, fields: Record<string, unknown>) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

async function runChain(values: Record<string, string | boolean | undefined>) {
  const str = (k: string) => values[k] as string | undefined;
  const chain = await startChain({
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
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      data: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "block-interval-ms": { type: "string" },
      "chain-id": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    process.exit(command || values.help ? 0 : 2);
  }
  switch (command) {
    case "chain":
    case "start":
      return runChain(values);
    default:
      process.stderr.write(`urne: unknown command "${command}"\n\n${USAGE}`);
      process.exit(2);
  }
}

main().catch((error: Error) => {
  console.error(JSON.stringify({ time: new Date().toISOString(), event: "urne.failed", error: error.message }));
  process.exit(1);
});
