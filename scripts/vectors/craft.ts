// Building blocks of the protocol test vectors (scripts/make-vectors.ts): deterministic
// randomness, tokens made through the real blind flow, and deliberately malformed RSA-PSS
// encodings signed with raw RSA, to check that every verifier (TypeScript and the
// contract) refuses what RFC 8017 refuses. Test-only code: never import it from protocol/.
import { createHash, constants, privateDecrypt, type KeyObject } from "node:crypto";
import { keccak256, toUtf8Bytes, getBytes } from "ethers";
import {
  blind, blindSign, finalize, tokenMessage, bigIntToBytes, bytesToBigInt, concatBytes, emsaPssEncode, mgf1,
  toHex, TOKEN_PSS, type IssuerPublicKey, type PssParams, type TokenMessageInput,
} from "../../protocol/node.js";
import { modInverse } from "../../protocol/token/modular.js";

/** `length` bytes expanded from a label with SHA-256 in counter mode: fixed "randomness". */
export function detBytes(label: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i * 32 < length; i++) {
    const block = createHash("sha256").update(`urne/test-vectors/${label}/${i}`).digest();
    out.set(block.subarray(0, Math.min(32, length - i * 32)), i * 32);
  }
  return out;
}

/** A blinding factor in [1, n) with an inverse, drawn from a label. */
export function detBlind(label: string, n: bigint): bigint {
  for (let i = 0; ; i++) {
    const r = bytesToBigInt(detBytes(`${label}/r/${i}`, 256)) % n;
    if (r > 0n && modInverse(r, n) !== undefined) return r;
  }
}

export type Issuer = { name: string; privateKey: KeyObject; publicKey: IssuerPublicKey };

export type MadeToken = {
  signedMessage: string;
  salt: string;
  blindingFactor: string;
  blindedMessage: string;
  blindSignature: string;
  tokenSignature: string;
};

/** A token made exactly as voter and issuer make one: blind, blindSign, finalize (PROTOCOL.md §3.3). */
export function makeToken(issuer: Issuer, input: TokenMessageInput, label: string): MadeToken {
  const message = tokenMessage(input);
  const salt = detBytes(`${label}/salt`, 32);
  const r = detBlind(label, issuer.publicKey.n);
  const { blindedMessage, inverse } = blind(issuer.publicKey, message, { salt, r });
  const blindSignature = blindSign(issuer.privateKey, blindedMessage);
  const signature = finalize(issuer.publicKey, message, blindSignature, inverse);
  return {
    signedMessage: toHex(message),
    salt: toHex(salt),
    blindingFactor: "0x" + r.toString(16),
    blindedMessage: toHex(blindedMessage),
    blindSignature: toHex(blindSignature),
    tokenSignature: toHex(signature),
  };
}

/** Raw RSA signature of an arbitrary encoded message (which must be < n). */
export function rawSign(issuer: Issuer, encoded: Uint8Array): Uint8Array {
  return new Uint8Array(privateDecrypt({ key: issuer.privateKey, padding: constants.RSA_NO_PADDING }, Buffer.from(encoded)));
}

export const KECCAK_PSS: PssParams = { hash: (d) => getBytes(keccak256(d)), hLen: 32, sLen: 32 };

/** The valid §3.2 encoding of a message with emBits = 2047. */
export function validEncoding(message: Uint8Array, salt: Uint8Array, params: PssParams = TOKEN_PSS): Uint8Array {
  return emsaPssEncode(message, 2047, salt, params);
}

/**
 * An EMSA-PSS encoding (RFC 8017 §9.1.1, SHA-256, emBits 2047) whose data block is
 * altered before masking: for padding faults that a correct H cannot reveal.
 */
export function encodingWithDataBlock(message: Uint8Array, salt: Uint8Array, mutate: (db: Uint8Array) => void): Uint8Array {
  const h = TOKEN_PSS.hash(concatBytes(new Uint8Array(8), TOKEN_PSS.hash(message), salt));
  const db = new Uint8Array(256 - 32 - 1);
  db[db.length - salt.length - 1] = 0x01;
  db.set(salt, db.length - salt.length);
  mutate(db);
  const mask = mgf1(TOKEN_PSS, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0x7f;
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

/** The token message with another domain tag, as a buggy or older client would build it. */
export function tokenMessageWithDomain(domain: string, input: TokenMessageInput): Uint8Array {
  const m = tokenMessage(input);
  m.set(getBytes(keccak256(toUtf8Bytes(domain))), 0);
  return m;
}

export { bigIntToBytes, bytesToBigInt, toHex };
