// eth_getLogs within the door's limits (docs/CHAIN.md §5.3). One query asking for every
// block up to 2^64-1 once held the EVM for over ten minutes, and one batch of 1,000
// whole-range queries built a 590 MB answer that killed the process. So a range is
// resolved against the head first (a block beyond the head holds nothing yet), refused
// when wider than maxLogsBlockRange, and read in chunks, one turn of the EVM lock each,
// stopping as soon as the answer outgrows maxLogs or the response budget.
import type { DoorLimits } from "./door-limits.js";
import type { Evm } from "./engine/engine-rpc.js";
import type { Mutex } from "./mutex.js";
import { AnswerBudgetExceeded, RpcError, RPC_LIMIT_EXCEEDED } from "./rpc-error.js";
import type { BlockRef, LogFilter } from "./rpc-params.js";

/** Blocks read per turn of the EVM lock: empty blocks cost microseconds, full ones a few ms. */
const CHUNK_BLOCKS = 500;

export type LogQueryContext = {
  evm: Evm;
  mutex: Mutex;
  limits: Pick<DoorLimits, "maxLogsBlockRange" | "maxLogs">;
  head: number;
  /** Bytes this answer may still take (the request's or the batch's budget). */
  budgetBytes: number;
  /** Charges the client for the work (rpc-front.ts buckets). */
  charge: (units: number) => void;
};

const q = (n: number) => "0x" + n.toString(16);

function resolve(ref: BlockRef, head: number): number {
  if ("tag" in ref) return ref.tag === "earliest" ? 0 : head;
  if ("number" in ref) return ref.number;
  throw new TypeError("log ranges are numbers or tags"); // rpc-params.ts refuses hashes here
}

export async function queryLogs(filter: LogFilter, ctx: LogQueryContext): Promise<unknown[]> {
  const where = { ...(filter.address ? { address: filter.address } : {}), topics: filter.topics };
  if ("blockHash" in filter) {
    ctx.charge(1);
    const logs = (await ctx.mutex.run(() => ctx.evm.request({ method: "eth_getLogs", params: [{ ...where, blockHash: filter.blockHash }] }))) as unknown[];
    const bytes = JSON.stringify(logs).length;
    ctx.charge(Math.floor(bytes / 10_000));
    check(logs, ctx, bytes);
    return logs;
  }
  const from = resolve(filter.fromBlock, ctx.head);
  // Nothing exists beyond the head yet: a range reaching past it ends there (as geth does).
  const to = Math.min(resolve(filter.toBlock, ctx.head), ctx.head);
  if (from > to) return [];
  const width = to - from + 1;
  if (width > ctx.limits.maxLogsBlockRange) {
    throw new RpcError(RPC_LIMIT_EXCEEDED, `block range too wide: ${width} blocks, at most ${ctx.limits.maxLogsBlockRange} per query`, { limit: ctx.limits.maxLogsBlockRange });
  }
  const out: unknown[] = [];
  let bytes = 0;
  for (let start = from; start <= to; start += CHUNK_BLOCKS) {
    const end = Math.min(to, start + CHUNK_BLOCKS - 1);
    ctx.charge(1 + Math.ceil((end - start + 1) / 1000));
    const logs = (await ctx.mutex.run(() => ctx.evm.request({ method: "eth_getLogs", params: [{ ...where, fromBlock: q(start), toBlock: q(end) }] }))) as unknown[];
    let chunkBytes = 0;
    for (const log of logs) {
      out.push(log);
      chunkBytes += JSON.stringify(log).length;
    }
    bytes += chunkBytes;
    ctx.charge(Math.floor(chunkBytes / 10_000));
    check(out, ctx, bytes);
  }
  return out;
}

function check(logs: unknown[], ctx: LogQueryContext, bytes: number): void {
  if (logs.length > ctx.limits.maxLogs) {
    throw new RpcError(RPC_LIMIT_EXCEEDED, `query returned more than ${ctx.limits.maxLogs} logs; ask for a narrower block range`, { limit: ctx.limits.maxLogs });
  }
  if (bytes > ctx.budgetBytes) throw new AnswerBudgetExceeded(ctx.budgetBytes);
}
