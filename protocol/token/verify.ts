// RSASSA-PSS-VERIFY (RFC 8017 §8.1.2), the check every party runs on a token
// (PROTOCOL.md §3.2): the voter after unblinding, the relay before queueing, the
// contract on chain, and any observer afterwards.
import type { BytesLike } from "ethers";
import { bitLength, bigIntToBytes, bytesToBigInt, parseHex } from "../hex.js";
import type { IssuerPublicKey } from "./issuer-key.js";
import { modPow } from "./modular.js";
import { emsaPssVerify, TOKEN_PSS, type PssParams } from "./pss.js";

/**
 * Verifies an RSA-PSS signature with any hash (the RFC 9474 vectors use SHA-384).
 * Returns false, never throws, for a signature of the wrong length or value.
 */
export function verifyRsaPss(key: IssuerPublicKey, message: Uint8Array, signature: Uint8Array, params: PssParams): boolean {
  if (!(message instanceof Uint8Array)) throw new TypeError("verifyRsaPss: message must be a Uint8Array");
  const modBits = bitLength(key.n);
  const k = Math.ceil(modBits / 8);
  if (signature.length !== k) return false; // step 1
  const s = bytesToBigInt(signature);
  // RSAVP1 step 1: s >= n would make the token malleable (s and s + n are the same
  // residue), so it is invalid even though s mod n would verify.
  if (s >= key.n) return false;
  const m = modPow(s, key.e, key.n);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // I2OSP fails ("invalid signature") when m needs more than emLen bytes, which only
  // happens when modBits - 1 is a multiple of 8 (not for RSA-2048).
  if (bitLength(m) > 8 * emLen) return false;
  return emsaPssVerify(message, bigIntToBytes(m, emLen), emBits, params);
}

/**
 * Checks a token (PROTOCOL.md §3.2) over the token message (§3.1). A signature that is
 * not hex is an input error (UrneError ERR_INVALID_HEX, field "tokenSignature"); any
 * hex signature that is not a valid token, whatever its length, gives false.
 */
export function verifyToken(key: IssuerPublicKey, message: Uint8Array, signature: BytesLike): boolean {
  return verifyRsaPss(key, message, parseHex(signature, "tokenSignature"), TOKEN_PSS);
}
