// What `urne observe` checks of one block a node serves, beyond its hash (PROTOCOL.md §9.1):
//   C5 the node's eth_getLogs of the block (asked by its hash) are the mirror's logs of it;
//   C6 the header's fields hash to the hash the node declares (its time, its receiptsRoot);
//   C7 the receipts hash to that header's receiptsRoot, and the mirror's logs come from them.
// C6 and C7 tie what is mirrored to the block hash that C2-C4 follow across nodes and
// rounds: a node cannot drop, add or alter a log, or shift a time, behind an honest hash.
import type { BlockHeader } from "../protocol/audit/node-answers.js";
import { receiptsMismatch } from "../protocol/audit/node-answers.js";
import { EMPTY_RECEIPTS_ROOT, receiptsRoot } from "../protocol/audit/receipts-root.js";
import { keccak256Bytes } from "../protocol/keccak.node.js";
import type { BlockLog } from "./mirror/mirror-store.js";
import { OBSERVE_EXIT, ObserveFinding } from "./observe-finding.js";
import { NodeRequestError } from "../protocol/json-rpc.js";
import { malformedAsFailure } from "./rpc/chain-reader.js";

const where = (block: { number: number; hash: string }, url: string) => `block ${block.number} ${block.hash} at ${url}`;

/** C6: the header's fields hash to the hash the node declares for it. */
export function checkHeader(block: BlockHeader, url: string): void {
  if (block.hashOfHeader !== block.hash) {
    throw new ObserveFinding("C6", block.number, `BAD-HEADER C6 ${where(block, url)}: its header fields hash to ${block.hashOfHeader}`, OBSERVE_EXIT.BROKEN_CHAIN);
  }
}

/**
 * C7: `answer`, the node's receipts of a C6-checked block, are one per transaction the
 * block lists, in order, each naming the block, and hash to its receiptsRoot (a block
 * without transactions has the empty trie's). Returns the block's logs of `ballotBox`
 * as the mirror keeps them, each with its index among all the block's logs.
 */
export function logsFromReceipts(block: BlockHeader, answer: unknown, ballotBox: string, url: string): BlockLog[] {
  const fail = (why: string): never => {
    throw new ObserveFinding("C7", block.number, `BAD-RECEIPTS C7 ${where(block, url)}: ${why}`, OBSERVE_EXIT.BROKEN_CHAIN);
  };
  if (block.transactions.length === 0) {
    if (block.receiptsRoot !== EMPTY_RECEIPTS_ROOT) fail(`no transactions, but receiptsRoot ${block.receiptsRoot}, not the empty trie's`);
    return [];
  }
  if (!Array.isArray(answer)) return fail(`receipts answered as ${JSON.stringify(answer)?.slice(0, 40)}, not a list`);
  const receipts = answer as Record<string, unknown>[];
  const mismatch = receiptsMismatch(block, receipts);
  if (mismatch) fail(mismatch);
  const named = receipts.findIndex((r) => String(r.blockHash).toLowerCase() !== block.hash);
  if (named >= 0) fail(`receipt ${named} names block ${receipts[named].blockHash}`);
  const root = malformedAsFailure(url, "receipts", `block ${block.number}`, () => receiptsRoot(receipts, keccak256Bytes));
  if (root !== block.receiptsRoot) fail(`its receipts hash to ${root}, its header's receiptsRoot is ${block.receiptsRoot}`);
  // receiptsRoot read every log's address, topics and data as hex: they are strings.
  const box = ballotBox.toLowerCase();
  const out: BlockLog[] = [];
  let logIndex = 0;
  for (const receipt of receipts) {
    const transactionHash = String(receipt.transactionHash).toLowerCase();
    for (const log of receipt.logs as { address: string; topics: string[]; data: string }[]) {
      // Hex in lower case (mirror format 2 and later): one spelling per value, which the recount's fast path relies on.
      if (log.address.toLowerCase() === box) out.push({ topics: log.topics.map((t) => t.toLowerCase()), data: log.data.toLowerCase(), transactionHash, logIndex });
      logIndex++;
    }
  }
  return out;
}

/** A hex quantity of a node's log as a number; NaN when it is not one. */
const hexNumber = (value: unknown) => (typeof value === "string" && /^0x[0-9a-fA-F]{1,13}$/.test(value) ? Number(value) : NaN);
const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);

/**
 * C5: `answer`, the node's eth_getLogs `{blockHash, address: ballotBox}` of a block whose
 * hash C3 or C7 checked, names that block and the ballot box in every log (else
 * FOREIGN-LOG) and is exactly `mirrored`, the block's logs taken from its verified
 * receipts: none missing, none added, none altered, in block order (else BAD-LOGS). Each
 * field is compared with the verified one as it comes (in any case), so a log that is
 * not well-formed hex differs.
 */
export function checkLogs(block: { number: number; hash: string }, answer: unknown, mirrored: readonly BlockLog[], ballotBox: string, url: string): void {
  if (!Array.isArray(answer)) throw new NodeRequestError(url, "eth_getLogs", `block ${block.number}: not an array`);
  const bad = (why: string): never => {
    throw new ObserveFinding("C5", block.number, `BAD-LOGS C5 ${where(block, url)}: eth_getLogs ${why}`, OBSERVE_EXIT.BROKEN_CHAIN);
  };
  const byIndex = new Map(mirrored.map((l) => [l.logIndex, l]));
  const seen = new Set<number>();
  let last = -1;
  answer.forEach((log, i) => {
    const hash = String(log?.blockHash ?? "").toLowerCase();
    const number = hexNumber(log?.blockNumber);
    if (hash !== block.hash || number !== block.number || String(log?.address ?? "").toLowerCase() !== ballotBox.toLowerCase()) {
      throw new ObserveFinding("C5", block.number, `FOREIGN-LOG C5 ${where(block, url)}: log ${i} claims block ${number} ${hash || "(none)"} of ${log?.address}`, OBSERVE_EXIT.BROKEN_CHAIN);
    }
    const index = hexNumber(log.logIndex);
    if (Number.isNaN(index)) throw new NodeRequestError(url, "eth_getLogs", `block ${block.number}: log ${i} has no logIndex: ${JSON.stringify(log.logIndex)}`);
    if (index <= last) bad(`gives log ${index} after log ${last}`);
    last = index;
    const ours = byIndex.get(index);
    if (!ours) return bad(`adds log ${index}, which the block's receipts do not hold`);
    const topics = Array.isArray(log.topics) ? log.topics : [];
    const differ = [
      ours.topics.length !== topics.length || ours.topics.some((t, k) => t !== lower(topics[k])) ? "topics" : "",
      ours.data !== lower(log.data) ? "data" : "",
      ours.transactionHash !== lower(log.transactionHash) ? "transactionHash" : "",
    ].filter(Boolean);
    if (differ.length > 0) bad(`alters log ${index}: its ${differ.join(", ")} differ from the block's receipts`);
    seen.add(index);
  });
  const missing = mirrored.find((l) => !seen.has(l.logIndex));
  if (missing) bad(`lacks log ${missing.logIndex} of the block's receipts`);
}
