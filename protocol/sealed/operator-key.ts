// The operator's key (PROTOCOL.md §11.7, Belenios' rule): an optional part of the election
// key held by the vote host, so that even every trustee together cannot open a ballot or a
// tally without the operator, as the operator alone cannot without t trustees. The
// ceremony's parameters name the operator's chain account (the ballot's organizer, which
// alone can post the operator's decryption share on chain); the operator publishes
//   O = o·G   and a BIP-340 Schnorr signature with o over
//   keccak256(abi.encode(OPERATOR_KEY_DOMAIN, ceremonyId, operator, O))
// which proves that it knows o (a key O chosen as ΣC − x'·G to cancel the trustees' part
// cannot be signed for), bound to this ceremony and this account. The election key is then
// Y = Σ_i C_{i,0} + O, and a tally opens with t trustees' shares plus the operator's share
// o·A_k (decryption-share.ts, checked against O).
// BIP-340 keys are x-only: the signature proves knowledge of the logarithm of O or of −O,
// which is the same knowledge.
import { schnorr } from "@noble/curves/secp256k1.js";
import { AbiCoder, getBytes, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { G, decodePoint, encodePoint, encodeScalar, randomScalar, type Point } from "./group.js";
import { CeremonyError, type CeremonyParams } from "./key-ceremony.js";

export const OPERATOR_KEY_DOMAIN = keccak256(toUtf8Bytes("urne.operator-key.v2"));

/** What the operator publishes in the ceremony's transcript. */
export type OperatorPackage = {
  /** O, a 33-byte point, hex. */
  key: string;
  /** The BIP-340 signature (64 bytes, hex) with o over the operator key message. */
  proofOfKnowledge: string;
};

/** The 32 bytes the operator signs: the ceremony, the operator's account and its key. */
export function operatorKeyMessage(params: CeremonyParams, key: Uint8Array): Uint8Array {
  if (params.operator === undefined) throw new CeremonyError("this ceremony names no operator");
  return getBytes(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32", "address", "bytes"], [OPERATOR_KEY_DOMAIN, params.ceremonyId, params.operator, key])));
}

/** The operator's key for a ceremony that names it: the package to publish and o (secret, random unless given). */
export function makeOperatorKey(params: CeremonyParams, secret: bigint = randomScalar()): { operatorPackage: OperatorPackage; secret: bigint } {
  const key = encodePoint(G.multiply(secret));
  const signature = schnorr.sign(operatorKeyMessage(params, key), encodeScalar(secret));
  return { operatorPackage: { key: hexlify(key), proofOfKnowledge: hexlify(signature) }, secret };
}

/** O from a package, once its point and its proof of knowledge check; CeremonyError otherwise. */
export function operatorKeyOf(params: CeremonyParams, p: OperatorPackage): Point {
  let key: Uint8Array, point: Point, signature: Uint8Array;
  try {
    key = getBytes(p.key);
    point = decodePoint(key, "operator.key");
    signature = getBytes(p.proofOfKnowledge);
  } catch (error) {
    throw new CeremonyError(`the operator's package holds an invalid key: ${(error as Error).message}`);
  }
  let proven = false;
  try {
    proven = signature.length === 64 && schnorr.verify(signature, operatorKeyMessage(params, key), key.subarray(1));
  } catch {
    proven = false;
  }
  if (!proven) throw new CeremonyError("the operator's proof of knowledge of its key does not verify for this ceremony and account");
  return point;
}
