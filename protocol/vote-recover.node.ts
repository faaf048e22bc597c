// A second, faster implementation of `recoverVoter` (vote.ts) for the parts that check
// votes by the thousand: the relay and the observer recount. ethers recovers a key in
// pure JavaScript (about 2.1 ms here); Bitcoin Core's libsecp256k1 does it natively in
// 0.07 ms, through the `secp256k1` package's public API (it ships prebuilt binaries, so no
// install script runs, and falls back to its own JavaScript where none fits the platform).
// Same rules, same answers: test/protocol/vote-recover.test.ts holds it to ethers' verdicts
// on valid, tampered and malformed signatures. vote.ts stays the browser's implementation;
// Node-only code recovers here. The widget never recovers keys.
import { createRequire } from "node:module";
import { TypedDataEncoder, type BytesLike } from "ethers";
import { checksumAddress, keccak256Bytes } from "./keccak.node.js";
import { UrneError, ErrorCode } from "./errors.js";
import { checkSafeInteger, checkUint } from "./fields.js";
import { parseHex, toHex } from "./hex.js";
import { checkVoterSignature, MAX_REVISION, voteDomain, type VoteInput } from "./vote.js";
import { BallotBoxConstants } from "./generated/BallotBox.js";

/** The `secp256k1` package's ecdsaRecover: the 65-byte uncompressed key; throws when none results. */
const { ecdsaRecover } = createRequire(import.meta.url)("secp256k1") as {
  ecdsaRecover(signature: Uint8Array, recoveryId: number, message: Uint8Array, compressed: boolean): Uint8Array;
};

const TYPEHASH = parseHex(BallotBoxConstants.VOTE_TYPEHASH, "VOTE_TYPEHASH", 32);
const separators = new Map<string, Uint8Array>();

/** The EIP-712 domain separator of one deployment, computed once. */
function domainSeparator(chainId: bigint, ballotBox: string): Uint8Array {
  const key = `${chainId}:${ballotBox.toLowerCase()}`;
  let separator = separators.get(key);
  if (separator === undefined) {
    separator = parseHex(TypedDataEncoder.hashDomain(voteDomain(chainId, ballotBox)), "domain", 32);
    if (separators.size >= 64) separators.clear();
    separators.set(key, separator);
  }
  return separator;
}

function putUint256(out: Uint8Array, at: number, value: bigint): void {
  for (let i = 31; i >= 0 && value > 0n; i--, value >>= 8n) out[at + i] = Number(value & 0xffn);
}

/**
 * voteDigest (§4) written out byte by byte, the domain separator cached:
 * keccak256(0x1901 ‖ domain ‖ keccak256(VOTE_TYPEHASH ‖ ballotId ‖ revision ‖ keccak256(payload))).
 * ethers' typed-data encoder costs about 0.13 ms a vote; this, a few keccaks.
 */
export function voteDigestBytes(p: VoteInput): Uint8Array {
  const struct = new Uint8Array(128);
  struct.set(TYPEHASH, 0);
  putUint256(struct, 32, checkUint(p.ballotId, 256, "ballotId"));
  putUint256(struct, 64, BigInt(checkSafeInteger(p.revision, "revision", 0, MAX_REVISION)));
  struct.set(keccak256Bytes(parseHex(p.payload, "payload")), 96);
  const message = new Uint8Array(66);
  message[0] = 0x19;
  message[1] = 0x01;
  message.set(domainSeparator(p.chainId, p.ballotBox), 2);
  message.set(keccak256Bytes(struct), 34);
  return keccak256Bytes(message);
}

/** voteDigestBytes as 0x-hex, comparable with vote.ts `voteDigest`. */
export function fastVoteDigest(p: VoteInput): string {
  return toHex(voteDigestBytes(p));
}

/** Same contract as `recoverVoter` (vote.ts): checksummed signer, or ERR_INVALID_SIGNATURE. */
export function recoverVoterFast(p: VoteInput, signature: BytesLike): string {
  const field = "voterSignature";
  const bytes = checkVoterSignature(signature, field);
  const digest = voteDigestBytes(p);
  let publicKey: Uint8Array;
  try {
    // Throws for an r or s out of range, or an r that is no curve point's x.
    publicKey = ecdsaRecover(bytes.subarray(0, 64), bytes[64] - 27, digest, false);
  } catch (cause) {
    throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} does not recover any address`, { field, cause });
  }
  // The address: the last 20 bytes of keccak256(x ‖ y), checksummed as checkVote compares.
  return checksumAddress(Buffer.from(keccak256Bytes(publicKey.subarray(1)).subarray(12)).toString("hex"));
}
