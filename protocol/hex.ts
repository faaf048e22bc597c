// Bytes, hex and big integers as every protocol format uses them: big-endian octet
// strings (RFC 8017 OS2IP / I2OSP) and 0x-prefixed hex on the wire (PROTOCOL.md §7).
import { UrneError, ErrorCode } from "./errors.js";

// Table-driven: a vote check parses about 330 bytes of hex, and the recount checks a
// million votes (a regex plus a slice and parseInt per byte cost several times more).
// Browser-safe (no Buffer); test/protocol/hex.test.ts holds it to Node's hex codec.
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE["0123456789abcdef".charCodeAt(i)] = i;
  NIBBLE["0123456789ABCDEF".charCodeAt(i)] = i;
}
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** The bytes of an 0x-prefixed even-length hex string, or undefined if it is not one. */
export function decodeHex(value: string): Uint8Array | undefined {
  if (value.length % 2 !== 0 || value.charCodeAt(0) !== 48 /* 0 */ || value.charCodeAt(1) !== 120 /* x */) return undefined;
  const bytes = new Uint8Array((value.length - 2) / 2);
  for (let i = 0, at = 2; i < bytes.length; i++, at += 2) {
    const hi = value.charCodeAt(at), lo = value.charCodeAt(at + 1);
    const high = hi < 128 ? NIBBLE[hi] : -1, low = lo < 128 ? NIBBLE[lo] : -1;
    if ((high | low) < 0) return undefined;
    bytes[i] = (high << 4) | low;
  }
  return bytes;
}

/**
 * Reads bytes that came from outside: a 0x-prefixed, even-length hex string, or a
 * Uint8Array (copied, so a caller's later change cannot alter what was validated).
 * `length` (in bytes) is enforced when given.
 */
export function parseHex(value: unknown, field: string, length?: number): Uint8Array {
  let bytes: Uint8Array;
  let decoded: Uint8Array | undefined;
  if (value instanceof Uint8Array) {
    bytes = value.slice();
  } else if (typeof value === "string" && (decoded = decodeHex(value)) !== undefined) {
    bytes = decoded;
  } else {
    throw new UrneError(ErrorCode.ERR_INVALID_HEX, `${field} must be a 0x-prefixed hex string of whole bytes`, { field });
  }
  if (length !== undefined && bytes.length !== length) {
    throw new UrneError(ErrorCode.ERR_INVALID_HEX, `${field} must be ${length} bytes, got ${bytes.length}`, { field });
  }
  return bytes;
}

/** Lower-case 0x-prefixed hex, the canonical form in every JSON format. */
export function toHex(bytes: Uint8Array): string {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += BYTE_HEX[bytes[i]];
  return out;
}

/** OS2IP (RFC 8017 §4.2). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = "0x0";
  for (let i = 0; i < bytes.length; i++) hex += BYTE_HEX[bytes[i]];
  return BigInt(hex);
}

/** I2OSP (RFC 8017 §4.1); a value that does not fit is a bug in the caller. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (typeof value !== "bigint" || value < 0n) throw new TypeError("bigIntToBytes: value must be a non-negative bigint");
  const hex = value.toString(16);
  if (hex.length > 2 * length) throw new TypeError(`bigIntToBytes: value does not fit in ${length} bytes`);
  const padded = hex.padStart(2 * length, "0");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Number of bits of a positive integer (RFC 9474 bit_len). */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
