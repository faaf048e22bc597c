// EMSA-PSS encoding and verification (RFC 8017 §9.1) with MGF1 (RFC 8017 §B.2.1).
// The hash is a parameter: the token uses SHA-256 (PROTOCOL.md §3.2), and the RFC 9474
// test vectors need SHA-384. Everything here works on public data except the salt.
import { sha256 } from "ethers";
import { bytesEqual, concatBytes } from "../hex.js";

export type PssParams = {
  /** The message hash, also used in MGF1. */
  hash: (data: Uint8Array) => Uint8Array;
  /** Output length of `hash` in bytes. */
  hLen: number;
  /** Salt length in bytes. */
  sLen: number;
};

/** The token's parameters: SHA-256, MGF1-SHA-256, 32-byte salt (PROTOCOL.md §3.2). */
export const TOKEN_PSS: PssParams = Object.freeze({
  hash: (data: Uint8Array) => {
    const hex = sha256(data);
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
    return out;
  },
  hLen: 32,
  sLen: 32,
});

/** MGF1 (RFC 8017 §B.2.1). */
export function mgf1(params: PssParams, seed: Uint8Array, maskLen: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(maskLen / params.hLen) * params.hLen);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0; counter * params.hLen < maskLen; counter++) {
    new DataView(input.buffer).setUint32(seed.length, counter);
    out.set(params.hash(input), counter * params.hLen);
  }
  return out.subarray(0, maskLen);
}

/** The 8 zero bytes that prefix M' (RFC 8017 §9.1.1 step 5). */
const ZEROS8 = new Uint8Array(8);

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with a salt chosen by the caller (random in production). */
export function emsaPssEncode(message: Uint8Array, emBits: number, salt: Uint8Array, params: PssParams): Uint8Array {
  if (!(message instanceof Uint8Array) || !(salt instanceof Uint8Array)) throw new TypeError("emsaPssEncode: message and salt must be Uint8Array");
  if (salt.length !== params.sLen) throw new TypeError(`emsaPssEncode: salt must be ${params.sLen} bytes`);
  const emLen = Math.ceil(emBits / 8);
  // Step 3: an "encoding error" only a key far below 2048 bits could cause.
  if (emLen < params.hLen + params.sLen + 2) throw new TypeError("emsaPssEncode: modulus too short for these parameters");
  const mHash = params.hash(message);
  const h = params.hash(concatBytes(ZEROS8, mHash, salt));
  // DB = PS ‖ 0x01 ‖ salt, where PS is emLen - sLen - hLen - 2 zero bytes (steps 7-8).
  const dbLen = emLen - params.hLen - 1;
  const db = new Uint8Array(dbLen);
  db[dbLen - params.sLen - 1] = 0x01;
  db.set(salt, dbLen - params.sLen);
  const mask = mgf1(params, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i] ^= mask[i];
  // Step 11: clear the leftmost 8*emLen - emBits bits so that the encoding is < n.
  db[0] &= 0xff >>> (8 * emLen - emBits);
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2): true when `encoded` is "consistent" with `message`. */
export function emsaPssVerify(message: Uint8Array, encoded: Uint8Array, emBits: number, params: PssParams): boolean {
  const emLen = Math.ceil(emBits / 8);
  if (encoded.length !== emLen) return false;
  if (emLen < params.hLen + params.sLen + 2) return false; // step 3
  if (encoded[emLen - 1] !== 0xbc) return false; // step 4
  const dbLen = emLen - params.hLen - 1;
  const maskedDb = encoded.subarray(0, dbLen);
  const h = encoded.subarray(dbLen, dbLen + params.hLen);
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((maskedDb[0] & ~topMask & 0xff) !== 0) return false; // step 6
  const db = mgf1(params, h, dbLen).slice();
  for (let i = 0; i < dbLen; i++) db[i] ^= maskedDb[i];
  db[0] &= topMask; // step 9
  // Step 10: PS must be all zero and followed by 0x01; this is what pins sLen.
  const psLen = dbLen - params.sLen - 1;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(dbLen - params.sLen);
  const expected = params.hash(concatBytes(ZEROS8, params.hash(message), salt));
  return bytesEqual(expected, h);
}
