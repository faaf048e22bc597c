// The call executor's process (call-executor.ts starts it): it runs the public eth_call and
// eth_estimateGas the sealing engine must not, on a VM of its own over the chain's state.
// It keeps no state and builds none: each call names the block whose state it reads (its
// header, CallSite), and the trie nodes and code the call touches are asked of the chain
// process one by one (IPC), which reads them from the derived store while that block's
// state is kept (state-history.ts). Nodes are kept here by key, which is their hash: a
// node once read is right for every later call. It holds no key and writes nothing; when
// a call runs too long or takes too much memory, the chain process kills it and starts
// another, which is ready at once. Messages: process.send / process.on("message").
import { createBlockHeaderFromBytesArray } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { scratchVmOn } from "./engine/block-engine.js";
import { CallRunner, type CallBase, type CallRequest } from "./engine/call-runner.js";
import { chainCommon } from "./engine/chain-common.js";
import type { CallSite } from "./engine/engine-rpc.js";
import { RecentBlockHashes } from "./engine/recent-block-hashes.js";
import type { NodeLevel } from "./engine/trie-node-store.js";
import type { Genesis } from "./genesis.js";
import { RpcError } from "./rpc-error.js";

export type ToExecutor =
  | { type: "start"; genesis: Genesis }
  | { type: "call"; id: number; method: "eth_call" | "eth_estimateGas"; request: CallRequest; site: CallSite }
  | { type: "node"; seq: number; value?: Uint8Array; gone?: string };

export type FromExecutor =
  | { type: "ready" }
  | { type: "node"; seq: number; number: number; key: Uint8Array }
  | { type: "answer"; id: number; result?: unknown; error?: { code: number; message: string; data?: unknown }; rss: number; nodesAsked: number }
  | { type: "failed"; message: string };

/** Nodes kept between calls (their keys are their hashes): about 50 MB of branch nodes at most. */
const NODES_KEPT = 100_000;

let common: Common | undefined;
let runner: CallRunner | undefined;
const nodes = new Map<string, Uint8Array>();
const asked = new Map<number, { resolve: (value: Uint8Array | undefined) => void; reject: (error: Error) => void }>();
let nextSeq = 1;
let nodesAsked = 0;
// Starts and calls in arrival order; node answers are taken as they come (a call waits for them).
let queue: Promise<void> = Promise.resolve();

const send = (message: FromExecutor) => process.send!(message);

/** The chain's nodes for a call at block `number`, asked of the chain process. */
function remoteNodes(number: number): NodeLevel {
  return {
    async get(key: Buffer): Promise<Uint8Array | undefined> {
      const hex = key.toString("hex");
      const kept = nodes.get(hex);
      if (kept !== undefined) {
        nodes.delete(hex);
        nodes.set(hex, kept); // most recently used last
        return kept;
      }
      const seq = nextSeq++;
      nodesAsked++;
      const value = await new Promise<Uint8Array | undefined>((resolve, reject) => {
        asked.set(seq, { resolve, reject });
        send({ type: "node", seq, number, key });
      });
      if (value !== undefined) {
        nodes.set(hex, value);
        if (nodes.size > NODES_KEPT) nodes.delete(nodes.keys().next().value!);
      }
      return value;
    },
  };
}

async function handle(message: Exclude<ToExecutor, { type: "node" }>): Promise<void> {
  if (message.type === "start") {
    common = chainCommon(message.genesis);
    runner = new CallRunner(message.genesis, common);
    send({ type: "ready" });
    return;
  }
  const before = nodesAsked;
  try {
    const { site } = message;
    const header = createBlockHeaderFromBytesArray(RLP.decode(site.headerRlp) as Uint8Array[], { common: common!, setHardfork: false });
    const recent = new RecentBlockHashes();
    for (const [n, hash] of site.hashes) recent.set(n, hash);
    const base: CallBase = { header, next: site.next, vm: () => scratchVmOn(common!, remoteNodes(site.number), header.stateRoot, recent) };
    const result = message.method === "eth_call" ? await runner!.call(base, message.request) : await runner!.estimateGas(base, message.request);
    send({ type: "answer", id: message.id, result, rss: process.memoryUsage.rss(), nodesAsked: nodesAsked - before });
  } catch (error) {
    const e = error instanceof RpcError ? { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } : { code: -32603, message: "internal error" };
    send({ type: "answer", id: message.id, error: e, rss: process.memoryUsage.rss(), nodesAsked: nodesAsked - before });
  }
}

process.on("message", (message: ToExecutor) => {
  if (message.type === "node") {
    const waiter = asked.get(message.seq);
    asked.delete(message.seq);
    // The state left the chain's window while the call ran: the call fails saying so (a
    // missing node must never read as an empty account or slot).
    if (message.gone !== undefined) waiter?.reject(new RpcError(-32000, message.gone));
    else waiter?.resolve(message.value === undefined ? undefined : Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength));
    return;
  }
  queue = queue.then(() => handle(message)).catch((error: Error) => {
    send({ type: "failed", message: error.message });
    process.exit(1);
  });
});
// The chain process went away: nothing is left to serve.
process.on("disconnect", () => process.exit(0));
