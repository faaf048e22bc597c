// RLP (Yellow Paper, appendix B) over bytes, for everybody who writes it: the block header
// hash and the receipts root the observers and the proof checks recompute
// (audit/block-header.ts, audit/receipts-root.ts, their items read from a node's answers
// by audit/answer-bytes.ts) and the relay's castVotes transaction
// (server/relay/cast-votes-tx.ts). It measures first and writes once into one buffer: a
// block of votes is hundreds of kB, and ethers' encodeRlp copies its growing output at
// every item (quadratic: 3 ms a vote). Browser-safe.
import { decodeHex } from "./hex.js";

/** An RLP item: a byte string or a list of items. */
export type RlpItem = Uint8Array | readonly RlpItem[];

/** A non-negative integer as RLP encodes it: minimal big-endian bytes, 0 as the empty string. */
export function integerBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError(`RLP encodes no negative integer: ${n}`);
  if (n === 0n) return new Uint8Array(0);
  const hex = n.toString(16);
  return decodeHex("0x" + (hex.length % 2 ? "0" : "") + hex)!;
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
