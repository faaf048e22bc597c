// The group sealed ballots live in (PROTOCOL.md §11.1): secp256k1, through @noble/curves'
// public API, and its byte encodings, which every verifier (this one in the browser, the
// native one in verify-sealed.node.ts) must read byte for byte alike:
//   - a point is SEC1 compressed, 33 bytes, prefix 02 or 03, x < p, on the curve; the
//     identity is never valid in a ballot or a key (in a challenge's transcript only, an
//     identity commitment is written as 33 zero bytes);
//   - a scalar is 32 bytes big-endian, 0 <= s < n; nothing is reduced on reading.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { UrneError, ErrorCode } from "../errors.js";

export const Point = secp256k1.Point;
export type Point = typeof secp256k1.Point.BASE;

/** The group's order n. */
export const ORDER: bigint = Point.Fn.ORDER;
export const POINT_BYTES = 33;
export const SCALAR_BYTES = 32;
export const G: Point = Point.BASE;

const invalid = (field: string, why: string): never => {
  throw new UrneError(ErrorCode.ERR_INVALID_PAYLOAD, `${field} ${why}`, { field });
};

/** Reads a point that must be a valid non-identity curve point in SEC1 compressed form. */
export function decodePoint(bytes: Uint8Array, field: string): Point {
  if (bytes.length !== POINT_BYTES) invalid(field, `must be ${POINT_BYTES} bytes, got ${bytes.length}`);
  if (bytes[0] !== 2 && bytes[0] !== 3) invalid(field, "must be a compressed point (prefix 02 or 03)");
  let point: Point;
  try {
    point = Point.fromBytes(bytes);
    point.assertValidity();
  } catch {
    return invalid(field, "is not a point of secp256k1");
  }
  if (point.is0()) invalid(field, "is the identity");
  return point;
}

/**
 * A point another verifier already read from its compressed form and hands over
 * uncompressed (65 bytes, prefix 04: verify-sealed.node.ts's cells), so that no square root
 * is taken twice; still checked to be on the curve. Never a wire format.
 */
export function pointFromUncompressed(bytes: Uint8Array): Point {
  if (bytes.length !== 65 || bytes[0] !== 4) throw new TypeError("pointFromUncompressed: 65 bytes with prefix 04 expected");
  const point = Point.fromBytes(bytes);
  point.assertValidity();
  return point;
}

/** The 33-byte SEC1 compressed form of a non-identity point. */
export function encodePoint(point: Point): Uint8Array {
  if (point.is0()) throw new TypeError("encodePoint: the identity has no encoding in a ballot or a key");
  return point.toBytes(true);
}

/** A point as a challenge's transcript writes it: compressed, or 33 zero bytes for the identity. */
export function transcriptPoint(point: Point): Uint8Array {
  return point.is0() ? new Uint8Array(POINT_BYTES) : point.toBytes(true);
}

/** The inverse of transcriptPoint: 33 zero bytes are the identity, anything else must be a valid compressed point. */
export function decodeTranscriptPoint(bytes: Uint8Array, field: string): Point {
  if (bytes.length === POINT_BYTES && bytes.every((b) => b === 0)) return Point.ZERO;
  return decodePoint(bytes, field);
}

/** Reads a 32-byte big-endian scalar below n. */
export function decodeScalar(bytes: Uint8Array, field: string): bigint {
  if (bytes.length !== SCALAR_BYTES) invalid(field, `must be ${SCALAR_BYTES} bytes, got ${bytes.length}`);
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  if (value >= ORDER) invalid(field, "must be below the group order");
  return value;
}

/** The 32-byte big-endian form of a scalar in [0, n). */
export function encodeScalar(value: bigint): Uint8Array {
  if (value < 0n || value >= ORDER) throw new TypeError("encodeScalar: not in [0, n)");
  const out = new Uint8Array(SCALAR_BYTES);
  for (let i = SCALAR_BYTES - 1, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** a mod n, in [0, n). */
export const mod = (a: bigint): bigint => {
  const r = a % ORDER;
  return r < 0n ? r + ORDER : r;
};

/** A uniformly random scalar in [1, n), from the platform's CSPRNG (WebCrypto or Node's). */
export function randomScalar(): bigint {
  const bytes = secp256k1.utils.randomSecretKey();
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

/** k·P for a public scalar that may be 0 (verification: the inputs are public). */
export const mulPublic = (point: Point, k: bigint): Point => (k === 0n ? Point.ZERO : point.multiplyUnsafe(k));
