// The trustees' key ceremony, as everyone can check it (PROTOCOL.md §11.7). n trustees, named
// in order by their chain addresses (trustee i has the identifier x_i = i), each make a
// random polynomial f_i of degree t−1 and publish its commitments C_{i,k} = a_{i,k}·G with a
// proof of knowledge of a_{i,0} (the DKG of FROST, RFC 9591's ciphersuite on secp256k1,
// through @noble/curves), then send f_i(j) to each trustee j, encrypted to its key
// (share-envelope.ts). From the public transcript alone:
//   election key         Y   = Σ_i C_{i,0}   (+ O, the operator's key, when the ceremony has one: operator-key.ts)
//   verification key of j Y_j = Σ_i Σ_k j^k·C_{i,k}     (= s_j·G for j's key share s_j)
//   a share f_i(j) is right iff f_i(j)·G = Σ_k j^k·C_{i,k}   (Feldman's check: names a cheater)
// No one ever holds the election secret x = Σ_i a_{i,0}; any t trustees can open a tally
// (threshold-decryption.ts), fewer learn nothing.
import { AbiCoder, getBytes, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { UrneError, ErrorCode } from "../errors.js";
import { parseAddress } from "../fields.js";
import { G, ORDER, Point, decodePoint, encodePoint, mulPublic } from "./group.js";
import { operatorKeyOf, type OperatorPackage } from "./operator-key.js";

/** At most this many trustees in one ceremony. */
export const MAX_TRUSTEES = 16;
export const KEY_CEREMONY_DOMAIN = keccak256(toUtf8Bytes("urne.key-ceremony.v2"));
/** The transcript's domain when it has an operator's key. */
export const KEY_CEREMONY_OPERATOR_DOMAIN = keccak256(toUtf8Bytes("urne.key-ceremony.v2.operator"));

export type CeremonyParams = {
  /** 32 random bytes, hex, chosen by the organizer: binds every message to this ceremony. */
  ceremonyId: string;
  threshold: number;
  /** The trustees' chain addresses; trustee i (1-based) is trustees[i − 1]. */
  trustees: string[];
  /**
   * The operator's chain account when the election key has an operator's part (Belenios'
   * rule, operator-key.ts): the ballot's organizer, which must then post its share too.
   */
  operator?: string;
};

/** What trustee `index` publishes in round 1. */
export type Round1Package = {
  index: number;
  /** C_{i,0..t−1}, 33-byte points, hex. */
  commitment: string[];
  /** The proof of knowledge of a_{i,0} (FROST DKG), hex. */
  proofOfKnowledge: string;
  /** The point share envelopes to this trustee are encrypted to, 33 bytes hex. */
  encryptionKey: string;
};

/** The operator's package is there exactly when the parameters name an operator. */
export type CeremonyTranscript = { params: CeremonyParams; round1: Round1Package[]; operator?: OperatorPackage };

/** ERR_KEY_CEREMONY; `field` is "trustees[i]" (0-based) for the trustee at fault, when one is. */
export class CeremonyError extends UrneError {
  /** The trustee at fault (1-based), when one is. */
  readonly trustee?: number;
  constructor(message: string, trustee?: number) {
    super(ErrorCode.ERR_KEY_CEREMONY, message, trustee === undefined ? {} : { field: `trustees[${trustee - 1}]` });
    this.name = "CeremonyError";
    if (trustee !== undefined) this.trustee = trustee;
  }
}

/** Checks the parameters: a 32-byte id, 1 <= t <= n <= MAX_TRUSTEES, distinct addresses. */
export function checkCeremonyParams(p: CeremonyParams): CeremonyParams {
  if (!/^0x[0-9a-fA-F]{64}$/.test(p.ceremonyId)) throw new CeremonyError("ceremonyId must be 32 bytes, 0x hex");
  const n = p.trustees.length;
  if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > n || n > MAX_TRUSTEES) {
    throw new CeremonyError(`threshold ${p.threshold} of ${n} trustees: need 1 <= threshold <= trustees <= ${MAX_TRUSTEES}`);
  }
  const addresses = p.trustees.map((a, i) => parseAddress(a, `trustees[${i}]`).toLowerCase());
  if (new Set(addresses).size !== n) throw new CeremonyError("a trustee is named twice");
  if (p.operator !== undefined && addresses.includes(parseAddress(p.operator, "operator").toLowerCase())) {
    throw new CeremonyError("the operator cannot be one of the trustees: its share must be one more");
  }
  return p;
}

/** Each trustee's commitments as points, checked (t points each, valid, in index order 1..n). */
export function transcriptCommitments(t: CeremonyTranscript): Point[][] {
  checkCeremonyParams(t.params);
  const n = t.params.trustees.length;
  if (t.round1.length !== n) throw new CeremonyError(`the transcript holds ${t.round1.length} round-1 packages for ${n} trustees`);
  return t.round1.map((p, i) => {
    if (p.index !== i + 1) throw new CeremonyError(`round-1 package ${i} is trustee ${p.index}'s, not trustee ${i + 1}'s`);
    return round1Commitment(t.params, p);
  });
}

/** One round-1 package's commitments as points: t valid points and a valid encryption key, or CeremonyError naming the trustee. */
export function round1Commitment(params: CeremonyParams, p: Round1Package): Point[] {
  if (p.commitment.length !== params.threshold) throw new CeremonyError(`trustee ${p.index} committed to ${p.commitment.length} coefficients, not ${params.threshold}`, p.index);
  try {
    decodePoint(getBytes(p.encryptionKey), "encryptionKey");
    return p.commitment.map((c, k) => decodePoint(getBytes(c), `commitment[${k}]`));
  } catch (error) {
    throw new CeremonyError(`trustee ${p.index}'s round-1 package holds an invalid point: ${(error as Error).message}`, p.index);
  }
}

/** Σ_k x^k·C_k: the point of f(x) for a polynomial committed to by C. */
export function commitmentAt(commitment: readonly Point[], x: bigint): Point {
  let result = Point.ZERO;
  let power = 1n;
  for (const c of commitment) {
    result = result.add(mulPublic(c, power));
    power = (power * x) % ORDER;
  }
  return result;
}

/** The trustees' part of the election key, Σ_i C_{i,0} (the key of their DKG). */
export function trusteesKeyOf(t: CeremonyTranscript): Point {
  return transcriptCommitments(t).reduce((sum, c) => sum.add(c[0]), Point.ZERO);
}

/**
 * The operator's key O once its package checks (operator-key.ts), or undefined for a
 * ceremony without operator; a package without operator named, or the reverse, is refused.
 */
export function operatorKeyOfTranscript(t: CeremonyTranscript): Point | undefined {
  checkCeremonyParams(t.params);
  if (t.params.operator === undefined) {
    if (t.operator !== undefined) throw new CeremonyError("the transcript holds an operator's package but its parameters name no operator");
    return undefined;
  }
  if (t.operator === undefined) throw new CeremonyError(`the parameters name operator ${t.params.operator} but the transcript holds no operator's package`);
  return operatorKeyOf(t.params, t.operator);
}

/** The election key Y = Σ_i C_{i,0} (+ O with an operator). */
export function electionKeyOf(t: CeremonyTranscript): Point {
  const operator = operatorKeyOfTranscript(t);
  const key = operator ? trusteesKeyOf(t).add(operator) : trusteesKeyOf(t);
  if (key.is0()) throw new CeremonyError("the commitments add up to no key");
  return key;
}

/** Every trustee's verification key Y_j (index order). */
export function verificationKeysOf(t: CeremonyTranscript): Point[] {
  const all = transcriptCommitments(t);
  return t.params.trustees.map((_, j) => all.reduce((sum, c) => sum.add(commitmentAt(c, BigInt(j + 1))), Point.ZERO));
}

/** Feldman's check: is `share` the value at `to` of the polynomial `from` committed to? */
export function shareMatchesCommitment(commitment: readonly Point[], to: number, share: bigint): boolean {
  return share > 0n && share < ORDER && G.multiply(share).equals(commitmentAt(commitment, BigInt(to)));
}

const abi = AbiCoder.defaultAbiCoder();

/**
 * keccak256 of the transcript, canonical: what every trustee signs once the ceremony
 * succeeded for it, and what the ballot names (electionKeyHash, ballot-context.ts).
 */
export function ceremonyDigest(t: CeremonyTranscript): string {
  transcriptCommitments(t); // the shape is checked before hashing
  const operator = operatorKeyOfTranscript(t);
  const types = ["bytes32", "bytes32", "uint8", "address[]", "bytes[]", "bytes[]", "bytes[]"];
  const values: unknown[] = [
    KEY_CEREMONY_DOMAIN, t.params.ceremonyId, t.params.threshold, t.params.trustees.map((a, i) => parseAddress(a, `trustees[${i}]`)),
    t.round1.map((p) => hexlify(Uint8Array.from(p.commitment.flatMap((c) => [...getBytes(c)])))),
    t.round1.map((p) => p.proofOfKnowledge),
    t.round1.map((p) => p.encryptionKey),
  ];
  // With an operator, its account, key and proof follow, under their own domain.
  if (operator) {
    values[0] = KEY_CEREMONY_OPERATOR_DOMAIN;
    types.push("address", "bytes", "bytes");
    values.push(parseAddress(t.params.operator!, "operator"), t.operator!.key, t.operator!.proofOfKnowledge);
  }
  return keccak256(abi.encode(types, values));
}

/** The compressed election key, hex. */
export const electionKeyHex = (t: CeremonyTranscript): string => hexlify(encodePoint(electionKeyOf(t)));
