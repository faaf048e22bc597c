// What every proof of a sealed ballot is bound to (PROTOCOL.md §11.4): the chain, the
// BallotBox, the ballot, its election key and rules, and the voter's address. A ballot
// copied to another voter, another ballot, another key or other rules fails its proofs.
//   context = keccak256(abi.encode(SEALED_DOMAIN, chainId, ballotBox, ballotId,
//                                  electionKeyHash, rulesHash, voter))
//   SEALED_DOMAIN   = keccak256("urne.sealed-ballot.v2")
//   electionKeyHash = keccak256(Y ‖ keyCeremonyDigest)          (Y: 33 bytes compressed)
//   rulesHash       = keccak256(abi.encode(kind, optionCount, minChoices, maxChoices, MJ_GRADE_COUNT))
import { AbiCoder, getBytes, keccak256, toUtf8Bytes, type BytesLike } from "ethers";
import { MJ_GRADE_COUNT, validateRules, type BallotRules } from "../ballot.js";
import { parseAddress } from "../fields.js";

export const SEALED_DOMAIN = keccak256(toUtf8Bytes("urne.sealed-ballot.v2"));

const abi = AbiCoder.defaultAbiCoder();

/** keccak256(Y ‖ keyCeremonyDigest): the election key as the ballot names it. */
export function electionKeyHash(electionKey: Uint8Array, keyCeremonyDigest: BytesLike): string {
  const digest = getBytes(keyCeremonyDigest);
  if (electionKey.length !== 33 || digest.length !== 32) throw new TypeError("electionKeyHash: a 33-byte key and a 32-byte digest");
  const joined = new Uint8Array(65);
  joined.set(electionKey, 0);
  joined.set(digest, 33);
  return keccak256(joined);
}

export function rulesHash(rules: BallotRules): string {
  validateRules(rules);
  return keccak256(abi.encode(["uint8", "uint8", "uint8", "uint8", "uint8"], [rules.kind, rules.optionCount, rules.minChoices, rules.maxChoices, MJ_GRADE_COUNT]));
}

export type SealedContextInput = {
  chainId: bigint;
  ballotBox: string;
  ballotId: bigint;
  /** electionKeyHash(...), 0x-prefixed 32 bytes. */
  electionKeyHash: string;
  rules: BallotRules;
  voter: string;
};

/** The 32-byte context of one voter's ballot. */
export function sealedContext(c: SealedContextInput): Uint8Array {
  return sealedContexts(c)(c.voter);
}

/**
 * The contexts of one ballot's voters: the words before the voter's encoded once (the ABI
 * encoding of static types is their 32-byte words one after the other), then each voter's
 * context is keccak256 of those words and its own (a recount makes one per ballot it reads).
 */
export function sealedContexts(c: Omit<SealedContextInput, "voter">): (voter: string) => Uint8Array {
  const head = getBytes(abi.encode(
    ["bytes32", "uint256", "address", "uint256", "bytes32", "bytes32"],
    [SEALED_DOMAIN, c.chainId, parseAddress(c.ballotBox, "ballotBox"), c.ballotId, c.electionKeyHash, rulesHash(c.rules)],
  ));
  return (voter) => {
    const words = new Uint8Array(head.length + 32);
    words.set(head, 0);
    words.set(getBytes(parseAddress(voter, "voter")), head.length + 12);
    return getBytes(keccak256(words));
  };
}
