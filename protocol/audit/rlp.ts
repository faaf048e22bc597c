// RLP (Yellow Paper, appendix B) over bytes, and the two ways a JSON-RPC answer gives its
// items: hex data, and hex quantities (minimal big-endian bytes). The block header hash
// (block-header.ts) and the receipts root (receipts-root.ts) are computed from it. It
// measures first and writes once into one buffer: a block of votes is hundreds of kB,
// and ethers' encodeRlp copies its growing output at every item (quadratic: 3 ms a vote).
import { decodeHex } from "../hex.js";
import { NodeAnswerError } from "./node-answer-error.js";

/** An RLP item: a byte string or a list of items. */
export type RlpItem = Uint8Array | readonly RlpItem[];

const QUANTITY_RE = /^0x[0-9a-fA-F]{1,64}$/;

/** Hex data from a node (`what` names it in the error). */
export function dataBytes(value: unknown, what: string): Uint8Array {
  const bytes = typeof value === "string" ? decodeHex(value) : undefined;
  if (!bytes) throw new NodeAnswerError(what, value);
  return bytes;
}

/** A hex quantity from a node as RLP encodes an integer: minimal big-endian bytes, 0 as the empty string. */
export function quantityBytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string" || !QUANTITY_RE.test(value)) throw new NodeAnswerError(what, value);
  const digits = value.slice(2).replace(/^0+/, "");
  return decodeHex("0x" + (digits.length % 2 ? "0" : "") + digits)!;
}

function lengthOfLength(n: number): number {
  let k = 0;
  for (; n > 0; n = Math.floor(n / 256)) k++;
  return k;
}

const headerSize = (payload: number) => (payload <= 55 ? 1 : 1 + lengthOfLength(payload));

export function encodeRlp(item: RlpItem): Uint8Array {
  const payloads = new Map<readonly RlpItem[], number>();
  const measure = (it: RlpItem): number => {
    if (it instanceof Uint8Array) return it.length === 1 && it[0] < 0x80 ? 1 : headerSize(it.length) + it.length;
    let payload = 0;
    for (const child of it) payload += measure(child);
    payloads.set(it, payload);
    return headerSize(payload) + payload;
  };
  const out = new Uint8Array(measure(item));
  let at = 0;
  const header = (short: number, payload: number) => {
    if (payload <= 55) {
      out[at++] = short + payload;
      return;
    }
    const k = lengthOfLength(payload);
    out[at++] = short + 55 + k;
    for (let i = k - 1; i >= 0; i--, payload = Math.floor(payload / 256)) out[at + i] = payload % 256;
    at += k;
  };
  const write = (it: RlpItem) => {
    if (it instanceof Uint8Array) {
      if (!(it.length === 1 && it[0] < 0x80)) header(0x80, it.length);
      out.set(it, at);
      at += it.length;
      return;
    }
    header(0xc0, payloads.get(it)!);
    for (const child of it) write(child);
  };
  write(item);
  return out;
}
