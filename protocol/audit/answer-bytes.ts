// A node's hex answers as the byte strings RLP encodes (../rlp.ts): hex data as is, hex
// quantities as integers (minimal big-endian bytes, 0 as the empty string). An answer of
// any other shape is the node's fault, named (NodeAnswerError).
import { decodeHex } from "../hex.js";
import { integerBytes } from "../rlp.js";
import { NodeAnswerError } from "./node-answer-error.js";

const QUANTITY_RE = /^0x[0-9a-fA-F]{1,64}$/;

/** Hex data from a node (`what` names it in the error). */
export function dataBytes(value: unknown, what: string): Uint8Array {
  const bytes = typeof value === "string" ? decodeHex(value) : undefined;
  if (!bytes) throw new NodeAnswerError(what, value);
  return bytes;
}

/** A hex quantity from a node as RLP encodes an integer (integerBytes). */
export function quantityBytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string" || !QUANTITY_RE.test(value)) throw new NodeAnswerError(what, value);
  return integerBytes(BigInt(value));
}
