// The receipts root of a block, recomputed from its receipts as a node returns them: the
// root of the Merkle-Patricia trie of rlp(index) → encoded receipt (EIP-2718 typed receipts
// prefixed with their type). Compared with the header's `receiptsRoot`, whose hash the
// proof names (block-header.ts), it binds the VoteCast log of PROTOCOL.md §9.2 P4 to the
// proof's blockHash: a node cannot rewrite a log without changing the block hash. The
// observer checks every mirrored block with it (§9.1 C7), a million votes' worth of logs:
// hence bytes throughout (rlp.ts) and a keccak the caller may replace by a faster one.
import { getBytes, keccak256 } from "ethers";
import { decodeHex, toHex } from "../hex.js";
import { NodeAnswerError } from "./node-answer-error.js";
import { encodeRlp, type RlpItem } from "../rlp.js";
import { dataBytes, quantityBytes } from "./answer-bytes.js";

/** keccak256, bytes to bytes: ethers' by default, the native sponge on Node (protocol/keccak.node.ts). */
export type Keccak = (data: Uint8Array) => Uint8Array;

const keccakJs: Keccak = (data) => getBytes(keccak256(data));

/** Hex data of a receipt's log; the field is named (a string built) only when it is malformed. */
function logBytes(value: unknown, what: () => string): Uint8Array {
  return (typeof value === "string" ? decodeHex(value) : undefined) ?? dataBytes(value, what());
}

/** The consensus encoding of one receipt (Byzantium and later: status, not a state root). */
export function encodeReceipt(receipt: Record<string, unknown>, what = "receipt"): Uint8Array {
  if (!Array.isArray(receipt.logs)) throw new NodeAnswerError(`${what}.logs`, receipt.logs);
  const logs: RlpItem[] = receipt.logs.map((log: Record<string, unknown>, i: number) => {
    if (!Array.isArray(log?.topics)) throw new NodeAnswerError(`${what}.logs[${i}].topics`, log?.topics);
    return [
      logBytes(log.address, () => `${what}.logs[${i}].address`),
      log.topics.map((t: unknown, j: number) => logBytes(t, () => `${what}.logs[${i}].topics[${j}]`)),
      logBytes(log.data, () => `${what}.logs[${i}].data`),
    ];
  });
  const typeBytes = quantityBytes(receipt.type ?? "0x0", `${what}.type`); // legacy nodes omit it
  if (typeBytes.length > 1 || typeBytes[0] > 0x7f) throw new NodeAnswerError(`${what}.type`, receipt.type);
  const body = encodeRlp([
    quantityBytes(receipt.status, `${what}.status`),
    quantityBytes(receipt.cumulativeGasUsed, `${what}.cumulativeGasUsed`),
    dataBytes(receipt.logsBloom, `${what}.logsBloom`),
    logs,
  ]);
  if (typeBytes.length === 0) return body;
  const typed = new Uint8Array(1 + body.length);
  typed[0] = typeBytes[0];
  typed.set(body, 1);
  return typed;
}

function nibbles(bytes: Uint8Array): number[] {
  return Array.from(bytes).flatMap((b) => [b >> 4, b & 15]);
}

/** Hex-prefix encoding of a nibble path (Yellow Paper, appendix C). */
function hexPrefix(path: number[], leaf: boolean): Uint8Array {
  const flag = (leaf ? 2 : 0) + (path.length % 2);
  const all = path.length % 2 ? [flag, ...path] : [flag, 0, ...path];
  const out = new Uint8Array(all.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (all[2 * i] << 4) | all[2 * i + 1];
  return out;
}

type Entry = { path: number[]; value: Uint8Array };

const EMPTY = new Uint8Array(0);

function build(entries: Entry[], keccak: Keccak): RlpItem {
  /** A child is embedded when its encoding is under 32 bytes, referenced by hash otherwise. */
  const reference = (node: RlpItem): RlpItem => {
    const encoded = encodeRlp(node);
    return encoded.length < 32 ? node : keccak(encoded);
  };
  if (entries.length === 1) return [hexPrefix(entries[0].path, true), entries[0].value];
  // Longest common prefix: an extension node above the branch.
  let common = 0;
  while (entries.every((e) => e.path.length > common && e.path[common] === entries[0].path[common])) common++;
  if (common > 0) {
    const child = build(entries.map((e) => ({ path: e.path.slice(common), value: e.value })), keccak);
    return [hexPrefix(entries[0].path.slice(0, common), false), reference(child)];
  }
  const branch: RlpItem[] = Array.from({ length: 17 }, () => EMPTY);
  for (let nibble = 0; nibble < 16; nibble++) {
    const under = entries.filter((e) => e.path.length > 0 && e.path[0] === nibble).map((e) => ({ path: e.path.slice(1), value: e.value }));
    if (under.length > 0) branch[nibble] = reference(build(under, keccak));
  }
  const here = entries.find((e) => e.path.length === 0);
  if (here) branch[16] = here.value;
  return branch;
}

/** The receipts root of a block whose receipts are `receipts`, in transaction order (lower-case hex). */
export function receiptsRoot(receipts: readonly Record<string, unknown>[], keccak: Keccak = keccakJs): string {
  if (receipts.length === 0) return EMPTY_RECEIPTS_ROOT;
  const entries = receipts.map((r, i) => ({ path: nibbles(encodeRlp(quantityBytes("0x" + i.toString(16), "index"))), value: encodeReceipt(r, `receipts[${i}]`) }));
  return toHex(keccak(encodeRlp(build(entries, keccak))));
}

/** The root of the empty trie: the receipts root of a block without transactions. */
export const EMPTY_RECEIPTS_ROOT = toHex(keccakJs(encodeRlp(EMPTY)));
