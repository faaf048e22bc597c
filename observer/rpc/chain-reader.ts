// The standard JSON-RPC reads the observers make (PROTOCOL.md §9), each answer checked
// for shape before use: a node is a witness, not an authority.
import type { RawLog } from "../../protocol/events.js";
import { JsonRpcClient, quantity, toQuantity } from "./json-rpc.js";

/** What the mirror keeps of a block (C2-C4 need the hashes, R2 the timestamp). */
export type BlockHeader = { number: number; hash: string; parentHash: string; timestamp: number };

const HASH = /^0x[0-9a-f]{64}$/;

function hash(value: unknown, what: string): string {
  if (typeof value !== "string" || !HASH.test(value.toLowerCase())) throw new TypeError(`${what} is not a 32-byte hash: ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export function parseHeader(raw: unknown, expected: number, url: string): BlockHeader | undefined {
  if (raw === null) return undefined;
  const b = raw as Record<string, unknown>;
  const where = `block ${expected} at ${url}`;
  const header = {
    number: quantity(b?.number, `${where}: number`),
    hash: hash(b?.hash, `${where}: hash`),
    parentHash: hash(b?.parentHash, `${where}: parentHash`),
    timestamp: quantity(b?.timestamp, `${where}: timestamp`),
  };
  if (header.number !== expected) throw new TypeError(`${where}: the node answered block ${header.number}`);
  return header;
}

export async function chainId(client: JsonRpcClient): Promise<bigint> {
  return BigInt(quantity(await client.call("eth_chainId"), `${client.url} eth_chainId`));
}

export async function blockNumber(client: JsonRpcClient): Promise<number> {
  return quantity(await client.call("eth_blockNumber"), `${client.url} eth_blockNumber`);
}

/** Headers of heights `from..to` (inclusive), batched; undefined for a height the node lacks. */
export async function headers(client: JsonRpcClient, from: number, to: number): Promise<(BlockHeader | undefined)[]> {
  const heights = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  const raws = await client.batch(heights.map((n) => ({ method: "eth_getBlockByNumber", params: [toQuantity(n), false] })));
  return raws.map((raw, i) => parseHeader(raw, heights[i], client.url));
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
