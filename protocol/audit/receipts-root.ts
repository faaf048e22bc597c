// The receipts root of a block, recomputed from its receipts as a node returns them: the
// root of the Merkle-Patricia trie of rlp(index) → encoded receipt (EIP-2718 typed receipts
// prefixed with their type). Compared with the header's `receiptsRoot`, whose hash the
// proof names (block-header.ts), it binds the VoteCast log of PROTOCOL.md §9.2 P4 to the
// proof's blockHash: a node cannot rewrite a log without changing the block hash.
import { encodeRlp, getBytes, keccak256 } from "ethers";
import { NodeAnswerError } from "./node-answer-error.js";

/** RLP item: bytes (hex) or a list. */
type Item = string | Item[];

const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;
const QUANTITY_RE = /^0x[0-9a-fA-F]{1,64}$/;

function hexData(value: unknown, what: string): string {
  if (typeof value !== "string" || !HEX_RE.test(value)) throw new NodeAnswerError(what, value);
  return value;
}

/** Minimal big-endian bytes of an integer, 0 as the empty string (RLP's rule). */
function quantityBytes(value: unknown, what: string): string {
  if (typeof value !== "string" || !QUANTITY_RE.test(value)) throw new NodeAnswerError(what, value);
  const n = BigInt(value);
  if (n === 0n) return "0x";
  const hex = n.toString(16);
  return "0x" + (hex.length % 2 ? "0" : "") + hex;
}

/** The consensus encoding of one receipt (Byzantium and later: status, not a state root). */
export function encodeReceipt(receipt: Record<string, unknown>, what = "receipt"): Uint8Array {
  if (!Array.isArray(receipt.logs)) throw new NodeAnswerError(`${what}.logs`, receipt.logs);
  const logs: Item[] = receipt.logs.map((log: Record<string, unknown>, i: number) => {
    if (!Array.isArray(log?.topics)) throw new NodeAnswerError(`${what}.logs[${i}].topics`, log?.topics);
    return [hexData(log.address, `${what}.logs[${i}].address`), log.topics.map((t: unknown, j: number) => hexData(t, `${what}.logs[${i}].topics[${j}]`)), hexData(log.data, `${what}.logs[${i}].data`)];
  });
  const body = getBytes(encodeRlp([
    quantityBytes(receipt.status, `${what}.status`),
    quantityBytes(receipt.cumulativeGasUsed, `${what}.cumulativeGasUsed`),
    hexData(receipt.logsBloom, `${what}.logsBloom`),
    logs,
  ]));
  const typeHex = receipt.type ?? "0x0"; // legacy nodes omit it
  if (typeof typeHex !== "string" || !QUANTITY_RE.test(typeHex) || BigInt(typeHex) > 0x7fn) throw new NodeAnswerError(`${what}.type`, receipt.type);
  const type = Number(BigInt(typeHex));
  return type === 0 ? body : Uint8Array.of(type, ...body);
}

const toHex = (bytes: Uint8Array) => "0x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function nibbles(bytes: Uint8Array): number[] {
  return Array.from(bytes).flatMap((b) => [b >> 4, b & 15]);
}

/** Hex-prefix encoding of a nibble path (Yellow Paper, appendix C). */
function hexPrefix(path: number[], leaf: boolean): string {
  const flag = (leaf ? 2 : 0) + (path.length % 2);
  const all = path.length % 2 ? [flag, ...path] : [flag, 0, ...path];
  const out = new Uint8Array(all.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (all[2 * i] << 4) | all[2 * i + 1];
  return toHex(out);
}

/** A child is embedded when its encoding is under 32 bytes, referenced by hash otherwise. */
function reference(node: Item): Item {
  const encoded = encodeRlp(node);
  return (encoded.length - 2) / 2 < 32 ? node : keccak256(encoded);
}

type Entry = { path: number[]; value: string };

function build(entries: Entry[]): Item {
  if (entries.length === 1) return [hexPrefix(entries[0].path, true), entries[0].value];
  // Longest common prefix: an extension node above the branch.
  let common = 0;
  while (entries.every((e) => e.path.length > common && e.path[common] === entries[0].path[common])) common++;
  if (common > 0) {
    const child = build(entries.map((e) => ({ path: e.path.slice(common), value: e.value })));
    return [hexPrefix(entries[0].path.slice(0, common), false), reference(child)];
  }
  const branch: Item[] = Array.from({ length: 17 }, () => "0x");
  for (let nibble = 0; nibble < 16; nibble++) {
    const under = entries.filter((e) => e.path.length > 0 && e.path[0] === nibble).map((e) => ({ path: e.path.slice(1), value: e.value }));
    if (under.length > 0) branch[nibble] = reference(build(under));
  }
  const here = entries.find((e) => e.path.length === 0);
  if (here) branch[16] = here.value;
  return branch;
}

/** The receipts root of a block whose receipts are `receipts`, in transaction order. */
export function receiptsRoot(receipts: readonly Record<string, unknown>[]): string {
  if (receipts.length === 0) return keccak256(encodeRlp("0x")); // the empty trie
  const entries = receipts.map((r, i) => ({ path: nibbles(getBytes(encodeRlp(quantityBytes("0x" + i.toString(16), "index")))), value: toHex(encodeReceipt(r, `receipts[${i}]`)) }));
  return keccak256(encodeRlp(build(entries)));
}
