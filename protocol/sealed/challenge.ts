// The Fiat-Shamir challenge of every sealed-ballot proof (PROTOCOL.md §11.3): strong
// Fiat-Shamir, the whole statement hashed with the commitments, under a domain tag per
// kind of proof, so that no proof can stand for another (a cell's proof for a sum's, a
// ballot's for a trustee's):
//   H_dst(parts) = OS2IP(expand_message_xmd(SHA-256, parts..., dst, 48)) mod n
// RFC 9380 §5.3.1 (the hash-to-field of Belenios' `HashToField`): 48 bytes, so that the
// reduction mod n is unbiased to 2^-128.
import { expand_message_xmd } from "@noble/curves/abstract/hash-to-curve.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ORDER } from "./group.js";

/** One domain tag per kind of proof. */
export const PROOF_DOMAIN = Object.freeze({
  /** A cell encrypts 0 or 1. */
  cell: "urne-v2-secp256k1-cell",
  /** A group of cells adds up to a value of a set ({1}, or {min..max}). */
  sum: "urne-v2-secp256k1-sum",
  /** A trustee's decryption share is its key share applied to the tally's aggregates. */
  decrypt: "urne-v2-secp256k1-decrypt",
});
export type ProofDomain = (typeof PROOF_DOMAIN)[keyof typeof PROOF_DOMAIN];

/** Bytes drawn from the hash before the reduction mod n. */
export const CHALLENGE_BYTES = 48;

export function challenge(domain: ProofDomain, parts: readonly Uint8Array[]): bigint {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const message = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    message.set(part, at);
    at += part.length;
  }
  let value = 0n;
  for (const b of expand_message_xmd(message, domain, CHALLENGE_BYTES, sha256)) value = (value << 8n) | BigInt(b);
  return value % ORDER;
}
