// The call executor's process (call-executor.ts starts it): a second EVM, rebuilt from the
// journal's blocks the chain process sends, that runs the public eth_call and
// eth_estimateGas the sealing EVM must not. It holds no key and writes nothing; when a
// call runs too long or takes too much memory, the chain process kills it and starts
// another. Messages: process.send / process.on("message") (IPC), one JSON object each.
import { createEvm, type Evm } from "./evm.js";
import type { Genesis } from "./genesis.js";
import type { BlockRecord } from "./journal.js";
import { genesisHead, replayBlocks } from "./replay.js";
import { RpcError } from "./rpc-error.js";
import type { ChainHead } from "./sealer.js";

export type ToExecutor =
  | { type: "start"; genesis: Genesis }
  | { type: "blocks"; records: BlockRecord[] }
  | { type: "call"; id: number; method: string; params: unknown[] };

export type FromExecutor =
  | { type: "head"; number: number }
  | { type: "answer"; id: number; result?: unknown; error?: { code: number; message: string; data?: unknown }; rss: number }
  | { type: "failed"; message: string };

let evm: Evm | undefined;
let head: ChainHead | undefined;
// One message at a time, in arrival order: blocks must be replayed before the calls sent after them.
let queue: Promise<void> = Promise.resolve();

const send = (message: FromExecutor) => process.send!(message);

async function handle(message: ToExecutor): Promise<void> {
  if (message.type === "start") {
    evm = await createEvm(message.genesis);
    head = await genesisHead(evm, message.genesis);
    send({ type: "head", number: head.number });
  } else if (message.type === "blocks") {
    // Calls run at a final block ("pending" is served as "latest"): EDR's clock plays no part.
    ({ head } = await replayBlocks(evm!, head!, message.records));
    send({ type: "head", number: head.number });
  } else {
    try {
      const result = await evm!.request({ method: message.method, params: message.params });
      send({ type: "answer", id: message.id, result, rss: process.memoryUsage.rss() });
    } catch (error) {
      const e = error instanceof RpcError ? { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } : { code: -32603, message: "internal error" };
      send({ type: "answer", id: message.id, error: e, rss: process.memoryUsage.rss() });
    }
  }
}

process.on("message", (message: ToExecutor) => {
  queue = queue.then(() => handle(message)).catch((error: Error) => {
    // A replay that diverges is the journal's problem, not a call's: say it and stop.
    send({ type: "failed", message: error.message });
    process.exit(1);
  });
});
// The chain process went away: nothing is left to serve.
process.on("disconnect", () => process.exit(0));
