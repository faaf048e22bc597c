// `urne observe`: host a copy of the ballot box. docs/OBSERVERS.md; checks: PROTOCOL.md §9.1.
import { parseArgs } from "node:util";
import { isAddress } from "ethers";
import { OBSERVE_EXIT, observe } from "../observe.js";
import { NodeRequestError } from "../../protocol/json-rpc.js";

export const OBSERVE_USAGE = `usage: urne observe --rpc URL[,URL...] --data DIR [--ballot-box ADDRESS] [options]

Mirrors every block header and every BallotBox log from the first node into DIR (LevelDB),
follows new blocks, resumes after a restart, and checks PROTOCOL.md §9.1 on every node:
  C1 chain id   C2 hash chain   C3 same history on every node
  C4 history never changes      C5 eth_getLogs gives the block's logs, no more, no less
  C6 every header hashes to its hash (its time included)
  C7 the mirrored logs come from receipts that hash to the header's receiptsRoot (first node)
A failed check prints one line naming the step, the block and the nodes
(DIVERGENCE C3 block <n> <hashA> at <urlA> != <hashB> at <urlB>, REWRITE C4 block <n> ...,
BAD-RECEIPTS C7 block <n> <hash> at <url>: ...), writes nothing more to the mirror, and exits.

options:
  --rpc URL[,URL...]   nodes to read (repeatable); the first one is mirrored, the others compared
  --data DIR           the mirror's directory (created on first run)
  --ballot-box ADDR    the BallotBox contract (required to create a mirror)
  --chain-id N         expected chain id (default: the mirror's, or the first node's)
  --once               mirror up to the current head, check, and exit
  --poll-ms N          how often to poll the nodes when following (default 1000)
  --help

exit codes: 0 ok (--once done, or stopped by SIGINT/SIGTERM), 1 a node did not answer (--once),
  2 usage, 3 divergence (C3), 4 rewrite (C4), 5 a node's answer contradicts the chain or the
  hash it declares: wrong chain id, broken hash chain, logs, header or receipts (C1, C2, C5-C7)`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        rpc: { type: "string", multiple: true },
        data: { type: "string" },
        "ballot-box": { type: "string" },
        "chain-id": { type: "string" },
        once: { type: "boolean" },
        "poll-ms": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${OBSERVE_USAGE}`);
    return OBSERVE_EXIT.USAGE;
  }
  if (values.help) {
    console.log(OBSERVE_USAGE);
    return 0;
  }
  const rpcUrls = (values.rpc ?? []).flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
  const usage = (why: string) => {
    console.error(`${why}\n\n${OBSERVE_USAGE}`);
    return OBSERVE_EXIT.USAGE;
  };
  if (rpcUrls.length === 0) return usage("--rpc is required");
  if (!values.data) return usage("--data is required");
  if (values["ballot-box"] !== undefined && !isAddress(values["ballot-box"])) return usage(`--ballot-box must be an address, got "${values["ballot-box"]}"`);
  const pollMs = Number(values["poll-ms"] ?? 1000);
  if (!Number.isSafeInteger(pollMs) || pollMs < 10) return usage(`--poll-ms must be an integer >= 10, got "${values["poll-ms"]}"`);
  let chainId: bigint | undefined;
  if (values["chain-id"] !== undefined) {
    if (!/^\d+$/.test(values["chain-id"])) return usage(`--chain-id must be a decimal integer, got "${values["chain-id"]}"`);
    chainId = BigInt(values["chain-id"]);
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    const { exitCode } = await observe({ rpcUrls, dataDir: values.data, ballotBox: values["ballot-box"], chainId, once: values.once, pollMs, signal: stop.signal });
    return exitCode;
  } catch (error) {
    if (error instanceof TypeError) return usage(error.message);
    if (error instanceof NodeRequestError) {
      console.error(`NODE ${error.message}`);
      return OBSERVE_EXIT.UNREACHABLE;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
}
