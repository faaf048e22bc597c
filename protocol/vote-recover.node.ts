// A second, faster implementation of `recoverVoter` (vote.ts) for the parts that check
// votes by the thousand: the relay and the observer recount. ethers recovers a key in
// pure JavaScript (about 2.1 ms here); tiny-secp256k1 runs Bitcoin Core's libsecp256k1
// compiled to WebAssembly (about 0.3 ms), with no install script. Same rules, same
// answers: test/protocol/vote-recover.test.ts checks both agree on valid, tampered and
// malformed signatures. Node-only: the widget never recovers keys, and the WebAssembly
// module would weigh on its bundle.
import { recover } from "tiny-secp256k1";
import { AbiCoder, computeAddress, keccak256, TypedDataEncoder, type BytesLike } from "ethers";
import { UrneError, ErrorCode } from "./errors.js";
import { checkSafeInteger, checkUint } from "./fields.js";
import { parseHex, toHex } from "./hex.js";
import { checkVoterSignature, MAX_REVISION, voteDomain, type VoteInput } from "./vote.js";
import { BallotBoxConstants } from "./generated/BallotBox.js";

const abi = AbiCoder.defaultAbiCoder();
const separators = new Map<string, string>();

/** The EIP-712 domain separator of one deployment, computed once. */
function domainSeparator(chainId: bigint, ballotBox: string): string {
  const key = `${chainId}:${ballotBox.toLowerCase()}`;
  let separator = separators.get(key);
  if (separator === undefined) {
    separator = TypedDataEncoder.hashDomain(voteDomain(chainId, ballotBox));
    if (separators.size >= 64) separators.clear();
    separators.set(key, separator);
  }
  return separator;
}

/** voteDigest (§4) with the domain separator cached: keccak256(0x1901 ‖ domain ‖ structHash). */
export function fastVoteDigest(p: VoteInput): string {
  const payload = parseHex(p.payload, "payload");
  const structHash = keccak256(abi.encode(
    ["bytes32", "uint256", "uint32", "bytes32"],
    [BallotBoxConstants.VOTE_TYPEHASH, checkUint(p.ballotId, 256, "ballotId"), checkSafeInteger(p.revision, "revision", 0, MAX_REVISION), keccak256(payload)],
  ));
  return keccak256("0x1901" + domainSeparator(p.chainId, p.ballotBox).slice(2) + structHash.slice(2));
}

/** Same contract as `recoverVoter` (vote.ts): checksummed signer, or ERR_INVALID_SIGNATURE. */
export function recoverVoterFast(p: VoteInput, signature: BytesLike): string {
  const field = "voterSignature";
  const bytes = checkVoterSignature(signature, field);
  const digest = parseHex(fastVoteDigest(p), "digest");
  let publicKey: Uint8Array | null;
  try {
    // Throws for an r that is no curve point's x; null when no key results.
    publicKey = recover(digest, bytes.subarray(0, 64), (bytes[64] - 27) as 0 | 1, false);
  } catch (cause) {
    throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} does not recover any address`, { field, cause });
  }
  if (publicKey === null) {
    throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} does not recover any address`, { field });
  }
  return computeAddress(toHex(publicKey));
}
