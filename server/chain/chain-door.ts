// What the chain answers through its public door (docs/CHAIN.md §5): the standard read
// methods and eth_sendRawTransaction, each parameter checked (rpc-params.ts), each
// request charged to its client (rpc-front.ts), none able to hold the sealer up for
// long. Routing:
// - constants and the head (chain id, block number, fee floor) answer without the EVM;
// - data reads take one turn of the EVM lock (blocks, receipts, state, logs in chunks);
// - eth_call / eth_estimateGas to the BallotBox naming at most ballotBoxCallGas (an
//   eth_call naming none gets it) run on the sealing EVM (known, bounded code); every
//   other call runs in the call executor, a separate process with a gas cap, a wall-clock
//   limit and a memory limit;
// - eth_sendRawTransaction goes through the pool's judgement (tx-pool.ts).
import type { CallExecutor } from "./call-executor.js";
import type { DoorLimits } from "./door-limits.js";
import type { Evm } from "./engine/engine-rpc.js";
import { queryLogs } from "./log-query.js";
import type { Mutex } from "./mutex.js";
import { RpcError, RPC_INTERNAL_ERROR, RPC_METHOD_NOT_FOUND } from "./rpc-error.js";
import * as p from "./rpc-params.js";
import type { Sealer } from "./sealer.js";

/** What each request may spend: units from its client's bucket, bytes of answer. */
export type RequestContext = {
  /** Takes `units` from the client's bucket before the work; throws a -32005 RpcError when it holds less. */
  charge(units: number): void;
  /** Takes `units` of work already done (it may leave the bucket below zero). */
  debit(units: number): void;
  /** Bytes the answer may still take (the request's, or what is left of its batch's). */
  budgetBytes: number;
  /** The client's key (its address, kept in memory only); undefined for the operator's services. */
  client?: string;
};

export type RpcBackend = (method: string, params: unknown[], ctx?: RequestContext) => Promise<unknown>;

export type ChainDoorOptions = {
  evm: Evm;
  mutex: Mutex;
  sealer: Sealer;
  limits: DoorLimits;
  chainId: bigint;
  /** The chain's BallotBox, whose calls may run on the sealing EVM; undefined before its deployment. */
  ballotBox: () => string | undefined;
  /** Other BallotBox deployments on this chain whose calls may run there too (one a test deploys). */
  otherBallotBoxes?: readonly string[];
  /** Undefined only while a chain is being created, before anyone can connect. */
  executor: CallExecutor | undefined;
  /** web3_clientVersion. */
  clientVersion: string;
};

const FREE: RequestContext = { charge: () => {}, debit: () => {}, budgetBytes: Number.MAX_SAFE_INTEGER };
/** What a call costs its client: one unit per millisecond of EVM work (known once it ran). */
const UNITS_PER_EVM_MS = 1;

const hex = (n: bigint | number) => "0x" + n.toString(16);

/** Every method the door serves. Anything else is -32601. */
export const DOOR_METHODS: ReadonlySet<string> = new Set([
  "eth_chainId", "net_version", "web3_clientVersion", "eth_syncing", "net_listening", "eth_accounts",
  "eth_blockNumber", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_feeHistory",
  "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getBlockTransactionCountByNumber", "eth_getBlockTransactionCountByHash",
  "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getBlockReceipts",
  "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionByBlockHashAndIndex",
  "eth_getLogs", "eth_call", "eth_estimateGas",
  "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getTransactionCount",
  "eth_sendRawTransaction",
]);

/** A block reference as the engine takes it, "pending", "safe" and "finalized" served as "latest" (every block shown is final). */
function blockParam(ref: p.BlockRef): unknown {
  if ("tag" in ref) return ref.tag === "earliest" ? "earliest" : "latest";
  if ("number" in ref) return hex(ref.number);
  return { blockHash: ref.hash, ...(ref.requireCanonical === undefined ? {} : { requireCanonical: ref.requireCanonical }) };
}

export function createChainDoor(o: ChainDoorOptions): RpcBackend {
  const read = (method: string, params: unknown[]) => o.mutex.run(() => o.evm.request({ method, params }));
  const floor = () => (o.sealer.nextBaseFee > o.limits.minGasPrice ? o.sealer.nextBaseFee : o.limits.minGasPrice);

  async function call(method: "eth_call" | "eth_estimateGas", params: unknown[], ctx: RequestContext): Promise<unknown> {
    p.arity(params, 1, 2);
    const request = p.callRequest(params[0], "params[0]");
    const block = params.length > 1 ? blockParam(p.blockRef(params[1], "params[1]")) : "latest";
    const boxes = [o.ballotBox(), ...(o.otherBallotBoxes ?? [])].filter((b): b is string => b !== undefined).map((b) => b.toLowerCase());
    // A call names its gas, or (eth_call only) gets the small budget: an estimate naming none
    // searches up to the cap, and may need more than the budget (createBallot does). The
    // operator's own services (the service token: no client key) are not anonymous: their
    // BallotBox calls run here whatever gas they name, up to the cap. The executor runs at
    // the lowest CPU priority, and on a busy machine the vote host's own estimate of
    // createBallot (some 4.6 M gas, run two or three times) ran out of its time limit there.
    const operatorService = ctx.client === undefined;
    const fits = operatorService || (request.gas !== undefined ? request.gas <= o.limits.ballotBoxCallGas : method === "eth_call");
    const onSealingEvm = typeof request.to === "string" && boxes.includes(request.to) && fits;
    // geth --rpc.gascap: a call asking for more gas (or naming none) gets the cap.
    const gas = onSealingEvm && !operatorService ? (request.gas ?? o.limits.ballotBoxCallGas) : min(request.gas ?? o.limits.rpcGasCap, o.limits.rpcGasCap);
    const args = [p.callRequestJson({ ...request, gas }), block];
    if (onSealingEvm || !o.executor) {
      return o.mutex.run(async () => {
        const started = performance.now();
        try {
          return await o.evm.request({ method, params: args });
        } finally {
          ctx.debit(UNITS_PER_EVM_MS * (performance.now() - started));
        }
      });
    }
    return o.executor.request(method, args, (ms) => ctx.debit(UNITS_PER_EVM_MS * ms), ctx.client);
  }

  async function blockReceipts(params: unknown[], ctx: RequestContext): Promise<unknown> {
    p.arity(params, 1, 1);
    const ref = p.blockRef(params[0], "params[0]");
    return o.mutex.run(async () => {
      const block = ("hash" in ref
        ? await o.evm.request({ method: "eth_getBlockByHash", params: [ref.hash, false] })
        : await o.evm.request({ method: "eth_getBlockByNumber", params: [blockParam(ref), false] })) as { transactions: string[] } | null;
      if (!block) return null;
      ctx.charge(Math.floor(block.transactions.length / 10));
      const receipts: unknown[] = [];
      for (const hash of block.transactions) receipts.push(await o.evm.request({ method: "eth_getTransactionReceipt", params: [hash] }));
      return receipts;
    });
  }

  return async (method, params, ctx = FREE) => {
    if (!DOOR_METHODS.has(method)) throw new RpcError(RPC_METHOD_NOT_FOUND, "method not available");
    if (o.mutex.poisoned) throw new RpcError(RPC_INTERNAL_ERROR, "chain halted");
    switch (method) {
      case "eth_chainId": return (p.arity(params, 0, 0), hex(o.chainId));
      case "net_version": return (p.arity(params, 0, 0), o.chainId.toString());
      case "web3_clientVersion": return (p.arity(params, 0, 0), o.clientVersion);
      case "eth_syncing": return (p.arity(params, 0, 0), false);
      case "net_listening": return (p.arity(params, 0, 0), true);
      // The node holds no key (the engine has no accounts of its own).
      case "eth_accounts": return (p.arity(params, 0, 0), []);
      case "eth_blockNumber": return (p.arity(params, 0, 0), hex(o.sealer.head.number));
      // What a paying transaction must offer per gas (tx-pool.ts); the tip makes up what the base fee does not.
      case "eth_gasPrice": return (p.arity(params, 0, 0), hex(floor()));
      case "eth_maxPriorityFeePerGas": return (p.arity(params, 0, 0), hex(floor() - o.sealer.nextBaseFee));
      case "eth_feeHistory": {
        p.arity(params, 2, 3);
        const count = p.quantity(params[0], "params[0]", 1024n);
        const newest = blockParam(p.blockRef(params[1], "params[1]", false));
        const percentiles = params.length > 2 ? p.feeHistoryPercentiles(params[2], "params[2]") : [];
        ctx.charge(1 + Number(count / 100n));
        return read(method, [hex(count), newest, percentiles]);
      }
      case "eth_getBlockByNumber":
      case "eth_getBlockByHash": {
        p.arity(params, 2, 2);
        const ref = method === "eth_getBlockByHash" ? p.hash(params[0], "params[0]") : blockParam(p.blockRef(params[0], "params[0]", false));
        const full = p.flag(params[1], "params[1]");
        if (full) ctx.charge(10);
        return read(method, [ref, full]);
      }
      case "eth_getBlockTransactionCountByNumber": return (p.arity(params, 1, 1), read(method, [blockParam(p.blockRef(params[0], "params[0]", false))]));
      case "eth_getBlockTransactionCountByHash": return (p.arity(params, 1, 1), read(method, [p.hash(params[0], "params[0]")]));
      case "eth_getTransactionByHash":
      case "eth_getTransactionReceipt": return (p.arity(params, 1, 1), read(method, [p.hash(params[0], "params[0]")]));
      case "eth_getBlockReceipts": return blockReceipts(params, ctx);
      case "eth_getTransactionByBlockNumberAndIndex": {
        p.arity(params, 2, 2);
        return read(method, [blockParam(p.blockRef(params[0], "params[0]", false)), hex(p.quantity(params[1], "params[1]", 2n ** 32n))]);
      }
      case "eth_getTransactionByBlockHashAndIndex": {
        p.arity(params, 2, 2);
        return read(method, [p.hash(params[0], "params[0]"), hex(p.quantity(params[1], "params[1]", 2n ** 32n))]);
      }
      case "eth_getBalance":
      case "eth_getCode":
      case "eth_getTransactionCount": {
        p.arity(params, 2, 2);
        const address = p.address(params[0], "params[0]");
        const ref = p.blockRef(params[1], "params[1]");
        // The one "pending" value clients rely on: the next nonce, counted from the pool.
        if (method === "eth_getTransactionCount" && "tag" in ref && ref.tag === "pending") return o.sealer.pendingNonce(address);
        return read(method, [address, blockParam(ref)]);
      }
      case "eth_getStorageAt": {
        p.arity(params, 3, 3);
        const slot = p.quantity(params[1], "params[1]", 2n ** 256n - 1n);
        return read(method, [p.address(params[0], "params[0]"), hex(slot), blockParam(p.blockRef(params[2], "params[2]"))]);
      }
      case "eth_getLogs": {
        p.arity(params, 1, 1);
        const filter = p.logFilter(params[0], "params[0]");
        return queryLogs(filter, { evm: o.evm, mutex: o.mutex, limits: o.limits, head: o.sealer.head.number, budgetBytes: ctx.budgetBytes, charge: ctx.charge });
      }
      case "eth_call":
      case "eth_estimateGas": return call(method, params, ctx);
      case "eth_sendRawTransaction": {
        p.arity(params, 1, 1);
        const raw = p.data(params[0], "params[0]", o.limits.maxTransactionBytes);
        ctx.charge(1 + Math.floor((raw.length - 2) / 2 / 10_000));
        return o.sealer.submit(raw);
      }
    }
    throw new RpcError(RPC_METHOD_NOT_FOUND, "method not available");
  };
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
