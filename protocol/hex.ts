// Bytes, hex and big integers as every protocol format uses them: big-endian octet
// strings (RFC 8017 OS2IP / I2OSP) and 0x-prefixed hex on the wire (PROTOCOL.md §7).
import { UrneError, ErrorCode } from "./errors.js";

const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

/**
 * Reads bytes that came from outside: a 0x-prefixed, even-length hex string, or a
 * Uint8Array (copied, so a caller's later change cannot alter what was validated).
 * `length` (in bytes) is enforced when given.
 */
export function parseHex(value: unknown, field: string, length?: number): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) {
    bytes = value.slice();
  } else if (typeof value === "string" && HEX_RE.test(value)) {
    bytes = new Uint8Array((value.length - 2) / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(value.slice(2 + 2 * i, 4 + 2 * i), 16);
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
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** OS2IP (RFC 8017 §4.2). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex === "" ? 0n : BigInt("0x" + hex);
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
