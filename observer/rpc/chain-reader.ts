// The standard JSON-RPC reads the observers make (PROTOCOL.md §9), each answer checked
// for shape before use: a node is a witness, not an authority. Whether the answers are
// the block's (its hash, its receipts) is observer/block-checks.ts's business.
import type { RawLog } from "../../protocol/events.js";
import { blockNumberOf, NodeAnswerError, parseBlock, quantity, type BlockHeader } from "../../protocol/audit/node-answers.js";
import { JsonRpcClient, NodeRequestError, toQuantity } from "../../protocol/json-rpc.js";

export type { BlockHeader };

/** A client for the observers' reads: 30 s per request, a batch of 200 blocks or 1 MB of receipts included. */
export const nodeClient = (url: string) => new JsonRpcClient(url, 30_000);

export async function chainId(client: JsonRpcClient): Promise<bigint> {
  const answer = await client.call("eth_chainId");
  return malformedAsFailure(client.url, "eth_chainId", "chain id", () => quantity(answer, "eth_chainId answer"));
}

export async function blockNumber(client: JsonRpcClient): Promise<number> {
  const answer = await client.call("eth_blockNumber");
  return malformedAsFailure(client.url, "eth_blockNumber", "head", () => blockNumberOf(answer, "eth_blockNumber answer"));
}

/**
 * Blocks `from..to` (inclusive), batched: each header's fields, its transaction hashes and
 * the hash its fields hash to (protocol/audit/node-answers.ts parseBlock; the caller
 * compares it with the hash the node declares); undefined for a height the node lacks.
 */
export async function blocks(client: JsonRpcClient, from: number, to: number): Promise<(BlockHeader | undefined)[]> {
  const heights = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  const raws = await client.batch(heights.map((n) => ({ method: "eth_getBlockByNumber", params: [toQuantity(n), false] })));
  return raws.map((raw, i) => (raw === null ? undefined : malformedAsFailure(client.url, "eth_getBlockByNumber", `block ${heights[i]}`, () => parseBlock(raw, heights[i]))));
}

/** `read` of a node's answer; an answer of the wrong shape is the node's failure, named with its URL and method. */
export function malformedAsFailure<T>(url: string, method: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof NodeAnswerError) throw new NodeRequestError(url, method, `${what}: ${error.message}`);
    throw error;
  }
}

/** Per node: whether it answers eth_getBlockReceipts (undefined until asked once). */
export type ReceiptsMethod = { blockReceipts?: boolean };

/** Blocks, or transactions, whose receipts one HTTP request asks for: a castVotes of 150 votes has about 250 kB of receipt JSON. */
const RECEIPT_BLOCKS_PER_REQUEST = 5;
const RECEIPTS_PER_REQUEST = 16;

/**
 * The receipts of each block as the node answers them, unchecked (`[]` for a block without
 * transactions): eth_getBlockReceipts where the node has it, else eth_getTransactionReceipt
 * for each transaction the block lists, batched either way. `method` remembers which.
 */
export async function receiptsOf(client: JsonRpcClient, of: readonly BlockHeader[], method: ReceiptsMethod): Promise<unknown[]> {
  const out: unknown[] = of.map(() => []);
  const todo = of.map((b, i) => ({ b, i })).filter(({ b }) => b.transactions.length > 0);
  if (todo.length === 0) return out;
  if (method.blockReceipts === undefined) {
    try {
      out[todo[0].i] = await client.call("eth_getBlockReceipts", [toQuantity(todo[0].b.number)]);
      method.blockReceipts = true;
      todo.shift();
    } catch (error) {
      // An error answer: not a method this node serves. Unreachable is another matter.
      if (!(error instanceof NodeRequestError) || error.rpcCode === undefined) throw error;
      method.blockReceipts = false;
    }
  }
  if (method.blockReceipts) {
    for (let k = 0; k < todo.length; k += RECEIPT_BLOCKS_PER_REQUEST) {
      const slice = todo.slice(k, k + RECEIPT_BLOCKS_PER_REQUEST);
      const answers = await client.batch(slice.map(({ b }) => ({ method: "eth_getBlockReceipts", params: [toQuantity(b.number)] })));
      slice.forEach(({ i }, j) => (out[i] = answers[j]));
    }
    return out;
  }
  const asked = todo.flatMap(({ b, i }) => b.transactions.map((hash) => ({ i, hash })));
  for (let k = 0; k < asked.length; k += RECEIPTS_PER_REQUEST) {
    const slice = asked.slice(k, k + RECEIPTS_PER_REQUEST);
    const answers = await client.batch(slice.map(({ hash }) => ({ method: "eth_getTransactionReceipt", params: [hash] })));
    slice.forEach(({ i }, j) => (out[i] as unknown[]).push(answers[j]));
  }
  return out;
}

/** Blocks whose logs one HTTP request asks for: a full block of votes answers about 1 MB of JSON. */
const LOG_BLOCKS_PER_REQUEST = 10;

/** The BallotBox logs of each block, asked by block hash (C5), batched. */
export async function logsByBlockHash(client: JsonRpcClient, address: string, blockHashes: readonly string[]): Promise<RawLog[][]> {
  const out: RawLog[][] = [];
  for (let i = 0; i < blockHashes.length; i += LOG_BLOCKS_PER_REQUEST) {
    const slice = blockHashes.slice(i, i + LOG_BLOCKS_PER_REQUEST);
    out.push(...(await client.batch<RawLog[]>(slice.map((blockHash) => ({ method: "eth_getLogs", params: [{ blockHash, address }] })))));
  }
  return out;
}

/** eth_getLogs over a block range (recount straight from a node). */
export async function logsInRange(client: JsonRpcClient, address: string, from: number, to: number, topics?: (string | string[] | null)[]): Promise<RawLog[]> {
  return client.call<RawLog[]>("eth_getLogs", [{ address, fromBlock: toQuantity(from), toBlock: toQuantity(to), ...(topics ? { topics } : {}) }]);
}

export async function ethCall(client: JsonRpcClient, to: string, data: string, block: number): Promise<string> {
  return client.call<string>("eth_call", [{ to, data }, toQuantity(block)]);
}
