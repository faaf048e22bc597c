// The call executor's process (call-executor.ts starts it): a second engine (ethereumjs,
// its state in memory), rebuilt from the journal's blocks the chain process sends, that runs
// the public eth_call and eth_estimateGas the sealing engine must not. It holds no key and
// writes nothing; when a call runs too long or takes too much memory, the chain process
// kills it and starts another. Messages: process.send / process.on("message") (IPC), one
// JSON object each.
import { bytesToHex, createAddressFromString } from "@ethereumjs/util";
import { BlockEngine } from "./engine/block-engine.js";
import { CallRunner, type CallRequest } from "./engine/call-runner.js";
import type { Genesis } from "./genesis.js";
import type { BlockRecord } from "./journal.js";
import { RpcError } from "./rpc-error.js";

export type ToExecutor =
  | { type: "start"; genesis: Genesis }
  | { type: "blocks"; records: BlockRecord[] }
  | { type: "call"; id: number; method: string; params: unknown[] };

export type FromExecutor =
  | { type: "head"; number: number }
  | { type: "answer"; id: number; result?: unknown; error?: { code: number; message: string; data?: unknown }; rss: number }
  | { type: "failed"; message: string };

let engine: BlockEngine | undefined;
let calls: CallRunner | undefined;
// One message at a time, in arrival order: blocks must be executed before the calls sent after them.
let queue: Promise<void> = Promise.resolve();

const send = (message: FromExecutor) => process.send!(message);

/** Calls run on the head's state only, as the chain process' own engine (engine-rpc.ts). */
function checkBlock(ref: unknown): void {
  const head = engine!.head;
  const n = Number(head.header.number);
  if (ref === undefined || ref === "latest" || ref === "pending" || ref === "safe" || ref === "finalized") return;
  if (ref !== null && typeof ref === "object" && "blockHash" in ref) {
    if (String((ref as { blockHash: unknown }).blockHash).toLowerCase() === bytesToHex(head.hash())) return;
    throw new RpcError(-32000, `this node keeps the state of its head block (${n}) only; block ${String((ref as { blockHash: unknown }).blockHash)} was asked`);
  }
  const asked = ref === "earliest" ? 0 : typeof ref === "string" && /^0x[0-9a-f]+$/i.test(ref) ? Number(BigInt(ref)) : undefined;
  if (asked === undefined) throw new RpcError(-32602, `invalid block tag ${JSON.stringify(ref)}`);
  if (asked !== n) throw new RpcError(-32000, `this node keeps the state of its head block (${n}) only; block ${asked} was asked`);
}

async function handle(message: ToExecutor): Promise<void> {
  if (message.type === "start") {
    engine = await BlockEngine.fromGenesis(message.genesis);
    calls = new CallRunner(() => engine!);
    send({ type: "head", number: Number(engine.head.header.number) });
  } else if (message.type === "blocks") {
    for (const record of message.records) await engine!.applyBlock(record);
    send({ type: "head", number: Number(engine!.head.header.number) });
  } else {
    try {
      let result: unknown;
      if (message.method === "eth_call" || message.method === "eth_estimateGas") {
        checkBlock(message.params[1]);
        const request = message.params[0] as CallRequest;
        result = await (message.method === "eth_call" ? calls!.call(request) : calls!.estimateGas(request));
      } else if (message.method === "eth_blockNumber") {
        result = `0x${engine!.head.header.number.toString(16)}`;
      } else if (message.method === "eth_getBalance") {
        checkBlock(message.params[1]);
        const account = await engine!.vm.stateManager.getAccount(createAddressFromString(String(message.params[0]).toLowerCase()));
        result = `0x${(account?.balance ?? 0n).toString(16)}`;
      } else {
        throw new RpcError(-32601, `the call executor runs eth_call and eth_estimateGas, not ${message.method}`);
      }
      send({ type: "answer", id: message.id, result, rss: process.memoryUsage.rss() });
    } catch (error) {
      const e = error instanceof RpcError ? { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } : { code: -32603, message: "internal error" };
      send({ type: "answer", id: message.id, error: e, rss: process.memoryUsage.rss() });
    }
  }
}

process.on("message", (message: ToExecutor) => {
  queue = queue.then(() => handle(message)).catch((error: Error) => {
    // A block that does not rebuild is the journal's problem, not a call's: say it and stop.
    send({ type: "failed", message: error.message });
    process.exit(1);
  });
});
// The chain process went away: nothing is left to serve.
process.on("disconnect", () => process.exit(0));
