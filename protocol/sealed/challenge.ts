// The Fiat-Shamir challenges of every sealed-ballot proof (PROTOCOL.md §11.3): strong
// Fiat-Shamir, the whole statement hashed with the commitments, under a domain tag per
// kind of proof, so that no proof can stand for another (a cell's proof for a sum's, a
// ballot's for a trustee's). Two sizes, both from RFC 9380 §5.3.1's expand_message_xmd
// over SHA-256 (the hash-to-field of Belenios' `HashToField`):
//   challenge(dst, parts)       = OS2IP(expand_message_xmd(parts..., dst, 48)) mod n
//     a scalar, unbiased to 2^-128: a trustee's proof of its decryption share;
//   ballotChallenge(dst, parts) = OS2IP(expand_message_xmd(parts..., dst, 16))
//     128 bits, uniform in [0, 2^128): the proofs a ballot carries (a cell's, a sum's).
// A 128-bit challenge keeps a Σ-protocol's soundness error at 2^-128, the security of the
// curve itself (Schnorr's short challenges, Neven-Smart-Warinschi 2009), and saves 16 bytes
// on chain per challenge: a ballot of three options carries six of them (§11.9, the gas).
import { expand_message_xmd } from "@noble/curves/abstract/hash-to-curve.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ORDER } from "./group.js";

/** One domain tag per kind of proof. */
export const PROOF_DOMAIN = Object.freeze({
  /** A cell encrypts 0 or 1. */
  cell: "urne-v2-secp256k1-cell",
  /** A group of cells adds up to a value of a set ({0, 1}, or {min..max}). */
  sum: "urne-v2-secp256k1-sum",
  /** A trustee's decryption share is its key share applied to the tally's aggregates. */
  decrypt: "urne-v2-secp256k1-decrypt",
});
export type ProofDomain = (typeof PROOF_DOMAIN)[keyof typeof PROOF_DOMAIN];

/** Bytes drawn from the hash before the reduction mod n. */
export const CHALLENGE_BYTES = 48;
/** A ballot proof's challenge: 16 bytes on the wire, a number in [0, 2^128). */
export const BALLOT_CHALLENGE_BYTES = 16;
/** 2^128: ballot challenges add up modulo it. */
export const BALLOT_CHALLENGE_SPACE = 1n << BigInt(8 * BALLOT_CHALLENGE_BYTES);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const message = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    message.set(part, at);
    at += part.length;
  }
  return message;
}

/** A scalar challenge (a trustee's decryption proof). */
export function challenge(domain: ProofDomain, parts: readonly Uint8Array[]): bigint {
  return bytesToNumberBE(expand_message_xmd(concat(parts), domain, CHALLENGE_BYTES, sha256)) % ORDER;
}

/** A 128-bit challenge (a ballot's cell and sum proofs). */
export function ballotChallenge(domain: ProofDomain, parts: readonly Uint8Array[]): bigint {
  return bytesToNumberBE(expand_message_xmd(concat(parts), domain, BALLOT_CHALLENGE_BYTES, sha256));
}

/** A ballot challenge's 16 bytes, big-endian. */
export function encodeBallotChallenge(c: bigint): Uint8Array {
  if (c < 0n || c >= BALLOT_CHALLENGE_SPACE) throw new RangeError("encodeBallotChallenge: outside [0, 2^128)");
  return numberToBytesBE(c, BALLOT_CHALLENGE_BYTES);
}

/** 16 bytes read as a ballot challenge: every value is one. */
export const decodeBallotChallenge = (bytes: Uint8Array): bigint => bytesToNumberBE(bytes);
