// A second, faster implementation of `recoverVoter` (vote.ts) for the parts that check
// votes by the thousand: the relay and the observer recount. ethers recovers a key in
// pure JavaScript (about 2.1 ms here); Bitcoin Core's libsecp256k1 does it natively in
// 0.07 ms, through the `secp256k1` package's public API (it ships prebuilt binaries, so no
// install script runs, and falls back to its own JavaScript where none fits the platform).
// Same rules, same answers: test/protocol/vote-recover.test.ts holds it to ethers' verdicts
// on valid, tampered and malformed signatures. vote.ts stays the browser's implementation;
// Node-only code recovers here. The widget never recovers keys.
import { createRequire } from "node:module";
import type { BytesLike } from "ethers";
import { checksumAddressFast, keccak256Bytes } from "./keccak.node.js";
import { UrneError, ErrorCode } from "./errors.js";
import { checkVoterSignature, voteDigestBytes, type VoteInput } from "./vote.js";

/** The `secp256k1` package's ecdsaRecover: the 65-byte uncompressed key; throws when none results. */
const { ecdsaRecover } = createRequire(import.meta.url)("secp256k1") as {
  ecdsaRecover(signature: Uint8Array, recoveryId: number, message: Uint8Array, compressed: boolean): Uint8Array;
};

/** The vote's EIP-712 digest (vote.ts) with the native keccak. */
export function voteDigestBytesFast(p: VoteInput): Uint8Array {
  return voteDigestBytes(p, keccak256Bytes);
}

/** Same contract as `recoverVoter` (vote.ts): checksummed signer, or ERR_INVALID_SIGNATURE. */
export function recoverVoterFast(p: VoteInput, signature: BytesLike): string {
  const field = "voterSignature";
  const bytes = checkVoterSignature(signature, field);
  const digest = voteDigestBytesFast(p);
  let publicKey: Uint8Array;
  try {
    // Throws for an r or s out of range, or an r that is no curve point's x.
    publicKey = ecdsaRecover(bytes.subarray(0, 64), bytes[64] - 27, digest, false);
  } catch (cause) {
    throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} does not recover any address`, { field, cause });
  }
  // The address: the last 20 bytes of keccak256(x ‖ y), checksummed as checkVote compares.
  return checksumAddressFast(Buffer.from(keccak256Bytes(publicKey.subarray(1)).subarray(12)).toString("hex"));
}
