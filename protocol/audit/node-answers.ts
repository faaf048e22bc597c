// What a node answers, read as untrusted input (PROTOCOL.md §9: "without trusting the
// operators"): every field the proof checks rely on is checked for shape here, so that a
// broken or lying node fails a check with a sentence naming the field, instead of
// passing one by accident (`undefined === undefined`) or throwing a TypeError.
import type { RawLog } from "../events.js";
import { headerHash } from "./block-header.js";
import { NodeRequestError, toQuantity, type RpcCaller } from "../json-rpc.js";
import { NodeAnswerError } from "./node-answer-error.js";

export { NodeAnswerError };

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const QUANTITY_RE = /^0x[0-9a-fA-F]{1,64}$/;
const DATA_RE = /^0x(?:[0-9a-fA-F]{2})*$/;
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

export function hash32(value: unknown, what: string): string {
  if (typeof value !== "string" || !HASH_RE.test(value)) throw new NodeAnswerError(what, value);
  return value.toLowerCase();
}

export function quantity(value: unknown, what: string): bigint {
  if (typeof value !== "string" || !QUANTITY_RE.test(value)) throw new NodeAnswerError(what, value);
  return BigInt(value);
}

export function blockNumberOf(value: unknown, what: string): number {
  const n = quantity(value, what);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new NodeAnswerError(what, value);
  return Number(n);
}

export function data(value: unknown, what: string): string {
  if (typeof value !== "string" || !DATA_RE.test(value)) throw new NodeAnswerError(what, value);
  return value.toLowerCase();
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new NodeAnswerError(what, value);
  return value as Record<string, unknown>;
}

/** A log of a receipt or of eth_getLogs, with the fields decodeBallotBoxLog reads. */
export function rawLog(value: unknown, what: string): RawLog {
  const o = object(value, what);
  if (typeof o.address !== "string" || !ADDRESS_RE.test(o.address)) throw new NodeAnswerError(`${what}.address`, o.address);
  if (!Array.isArray(o.topics)) throw new NodeAnswerError(`${what}.topics`, o.topics);
  return {
    address: o.address,
    topics: o.topics.map((t, i) => hash32(t, `${what}.topics[${i}]`)),
    data: data(o.data, `${what}.data`),
    blockNumber: blockNumberOf(o.blockNumber, `${what}.blockNumber`),
    blockHash: hash32(o.blockHash, `${what}.blockHash`),
    transactionHash: hash32(o.transactionHash, `${what}.transactionHash`),
    logIndex: blockNumberOf(o.logIndex, `${what}.logIndex`),
  };
}

export type Receipt = { transactionHash: string; status: bigint; blockNumber: number; blockHash: string; to: string | null; logs: RawLog[] };

export async function getReceipt(rpc: RpcCaller, txHash: string): Promise<Receipt | null> {
  const answer = await rpc.call("eth_getTransactionReceipt", [txHash]);
  return answer === null ? null : parseReceipt(answer);
}

export function parseReceipt(answer: unknown): Receipt {
  const o = object(answer, "receipt");
  if (!Array.isArray(o.logs)) throw new NodeAnswerError("receipt.logs", o.logs);
  if (o.to !== null && (typeof o.to !== "string" || !ADDRESS_RE.test(o.to))) throw new NodeAnswerError("receipt.to", o.to);
  return {
    transactionHash: hash32(o.transactionHash, "receipt.transactionHash"),
    status: quantity(o.status, "receipt.status"),
    blockNumber: blockNumberOf(o.blockNumber, "receipt.blockNumber"),
    blockHash: hash32(o.blockHash, "receipt.blockHash"),
    to: o.to as string | null,
    logs: o.logs.map((l, i) => rawLog(l, `receipt.logs[${i}]`)),
  };
}

/** `hashOfHeader`: the hash recomputed from the header fields (block-header.ts), to compare with `hash`. */
export type BlockHeader = { number: number; hash: string; hashOfHeader: string; parentHash: string; receiptsRoot: string; timestamp: bigint; transactions: string[] };

/** eth_getBlockByNumber without transaction bodies; null when the node has no such block. */
export async function getBlock(rpc: RpcCaller, number: number | "latest"): Promise<BlockHeader | null> {
  const answer = await rpc.call("eth_getBlockByNumber", [number === "latest" ? "latest" : toQuantity(number), false]);
  return answer === null ? null : parseBlock(answer, number === "latest" ? undefined : number);
}

/** An eth_getBlockByNumber answer (transaction hashes only), checked for shape, its hash recomputed; `expected`: the height asked for. */
export function parseBlock(answer: unknown, expected?: number): BlockHeader {
  const o = object(answer, "block");
  if (!Array.isArray(o.transactions)) throw new NodeAnswerError("block.transactions", o.transactions);
  const block = {
    number: blockNumberOf(o.number, "block.number"),
    hash: hash32(o.hash, "block.hash"),
    hashOfHeader: headerHash(o).toLowerCase(),
    parentHash: hash32(o.parentHash, "block.parentHash"),
    receiptsRoot: hash32(o.receiptsRoot, "block.receiptsRoot"),
    timestamp: quantity(o.timestamp, "block.timestamp"),
    transactions: o.transactions.map((t, i) => hash32(t, `block.transactions[${i}]`)),
  };
  if (expected !== undefined && block.number !== expected) throw new NodeAnswerError("block.number", o.number);
  return block;
}

/**
 * Blocks asked per eth_getLogs: nodes bound a query's range (urne's chain at 10,000 blocks,
 * hosted nodes often lower), so a long range is read in pages, in order.
 */
export const LOG_PAGE_BLOCKS = 5_000;

export async function getLogs(rpc: RpcCaller, filter: { address: string; topics: (string | null)[]; fromBlock: number; toBlock: number }): Promise<RawLog[]> {
  const out: RawLog[] = [];
  for (let from = filter.fromBlock; from <= filter.toBlock; from += LOG_PAGE_BLOCKS) {
    const to = Math.min(filter.toBlock, from + LOG_PAGE_BLOCKS - 1);
    const answer = await rpc.call("eth_getLogs", [{ ...filter, fromBlock: toQuantity(from), toBlock: toQuantity(to) }]);
    if (!Array.isArray(answer)) throw new NodeAnswerError("eth_getLogs answer", answer);
    for (const l of answer) out.push(rawLog(l, `logs[${out.length}]`));
  }
  return out;
}

const RECEIPT_CONCURRENCY = 8;

/**
 * Why `receipts` are not the receipts of `block`'s transactions, one each, in order: the
 * count, or the first one out of place; undefined when they are.
 */
export function receiptsMismatch(block: Pick<BlockHeader, "transactions">, receipts: readonly unknown[]): string | undefined {
  if (receipts.length !== block.transactions.length) return `${receipts.length} receipts for ${block.transactions.length} transactions`;
  const i = receipts.findIndex((r, i) => typeof r !== "object" || r === null || String((r as Record<string, unknown>).transactionHash).toLowerCase() !== block.transactions[i]);
  return i < 0 ? undefined : `receipt ${i} is not that of transaction ${i} ${block.transactions[i]}`;
}

/**
 * Every receipt of `block`, in transaction order, as the node returns them (raw, for
 * receipts-root.ts): eth_getBlockReceipts where the node has it, else one
 * eth_getTransactionReceipt per transaction.
 */
export async function getBlockReceipts(rpc: RpcCaller, block: BlockHeader): Promise<Record<string, unknown>[]> {
  try {
    const all = await rpc.call("eth_getBlockReceipts", [toQuantity(block.number)]);
    if (Array.isArray(all) && receiptsMismatch(block, all) === undefined) return all as Record<string, unknown>[];
  } catch {
    // not every node has eth_getBlockReceipts: ask transaction by transaction
  }
  const out: Record<string, unknown>[] = new Array(block.transactions.length);
  for (let start = 0; start < block.transactions.length; start += RECEIPT_CONCURRENCY) {
    await Promise.all(block.transactions.slice(start, start + RECEIPT_CONCURRENCY).map(async (hash, i) => {
      out[start + i] = object(await rpc.call("eth_getTransactionReceipt", [hash]), `receipt of ${hash}`);
    }));
  }
  if (receiptsMismatch(block, out) !== undefined) throw new NodeAnswerError(`receipts of block ${block.number}`, "not in the block's transaction order");
  return out;
}

/** One line for any failure to read the node, the sentence a check shows. */
export function nodeFailure(error: unknown): string {
  if (error instanceof NodeRequestError || error instanceof NodeAnswerError) return error.message;
  return `the node's answer could not be used: ${(error as Error)?.message ?? String(error)}`;
}
