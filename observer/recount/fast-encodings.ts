// The token message (PROTOCOL.md §3.1) and the voter-key recovery (§4) written out byte by
// byte, for the recount's hot path. The protocol module's versions go through ethers'
// ABI coder and cost about 0.45 ms (tokenMessage) and 0.6 ms (recoverVoterFast, 0.13 ms of
// it the EIP-712 digest) per vote on this machine; a million votes cannot wait for that.
// Same inputs, same bytes: test/observer/fast-encodings.test.ts holds them to
// protocol/token/message.ts and protocol/vote-recover.node.ts on random, tampered and
// malformed inputs. A mistake here could only make good votes fail (their signatures
// cover the real encoding), never make a bad one pass, and the recount would say so.
// They belong in protocol/ (the relay checks votes by the thousand too): see
// docs/OBSERVERS.md, "Performance".
import { recover } from "tiny-secp256k1";
import { getAddress, keccak256 } from "ethers";
import { BallotBoxConstants } from "../../protocol/generated/BallotBox.js";
import { TOKEN_DOMAIN } from "../../protocol/constants.js";
import { UrneError, ErrorCode } from "../../protocol/errors.js";
import { parseHex } from "../../protocol/hex.js";
import { checkSafeInteger, checkUint } from "../../protocol/fields.js";
import type { TokenMessageInput } from "../../protocol/token/message.js";
import { checkVoterSignature, MAX_REVISION, voteDomain, type VoteInput } from "../../protocol/vote.js";
import { TypedDataEncoder, type BytesLike } from "ethers";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const TOKEN_DOMAIN_BYTES = parseHex(TOKEN_DOMAIN, "TOKEN_DOMAIN", 32);
const VOTE_TYPEHASH_BYTES = parseHex(BallotBoxConstants.VOTE_TYPEHASH, "VOTE_TYPEHASH", 32);

function putUint(out: Uint8Array, at: number, value: bigint) {
  for (let i = 31; i >= 0 && value > 0n; i--, value >>= 8n) out[at + i] = Number(value & 0xffn);
}

function putAddress(out: Uint8Array, at: number, address: string, field: string) {
  // The checksum of a mixed-case address is NOT checked again (a keccak per address): the
  // callers pass addresses already parsed (checkVote parses the voter first, the ballot
  // box comes from the mirror's meta or --ballot-box). Here, the shape only.
  if (typeof address !== "string" || !ADDRESS.test(address)) throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} must be a 20-byte hex address`, { field });
  for (let i = 0; i < 20; i++) out[at + 12 + i] = parseInt(address.slice(2 + 2 * i, 4 + 2 * i), 16);
}

/** Same bytes as protocol's `tokenMessage`: abi.encode(TOKEN_DOMAIN, chainId, ballotBox, ballotId, voter). */
export function tokenMessageFast(p: TokenMessageInput): Uint8Array {
  const out = new Uint8Array(160);
  out.set(TOKEN_DOMAIN_BYTES, 0);
  putUint(out, 32, checkUint(p.chainId, 256, "chainId", 1n));
  putAddress(out, 64, p.ballotBox, "ballotBox");
  putUint(out, 96, checkUint(p.ballotId, 256, "ballotId"));
  putAddress(out, 128, p.voter, "voter");
  return out;
}

const separators = new Map<string, Uint8Array>();
function domainSeparator(chainId: bigint, ballotBox: string): Uint8Array {
  const key = `${chainId}:${ballotBox.toLowerCase()}`;
  let separator = separators.get(key);
  if (!separator) {
    separator = parseHex(TypedDataEncoder.hashDomain(voteDomain(chainId, ballotBox)), "domain", 32);
    if (separators.size >= 64) separators.clear();
    separators.set(key, separator);
  }
  return separator;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ keccak256(abi.encode(VOTE_TYPEHASH, ballotId, revision, keccak256(payload)))) (§4). */
export function voteDigestFast(p: VoteInput): Uint8Array {
  const revision = checkSafeInteger(p.revision, "revision", 0, MAX_REVISION);
  const struct = new Uint8Array(128);
  struct.set(VOTE_TYPEHASH_BYTES, 0);
  putUint(struct, 32, checkUint(p.ballotId, 256, "ballotId"));
  putUint(struct, 64, BigInt(revision));
  struct.set(parseHex(keccak256(parseHex(p.payload, "payload")), "payloadHash", 32), 96);
  const message = new Uint8Array(66);
  message[0] = 0x19;
  message[1] = 0x01;
  message.set(domainSeparator(p.chainId, p.ballotBox), 2);
  message.set(parseHex(keccak256(struct), "structHash", 32), 34);
  return parseHex(keccak256(message), "digest", 32);
}

/** Same contract as `recoverVoterFast`: checksummed signer, or UrneError ERR_INVALID_SIGNATURE. */
export function recoverVoterFaster(p: VoteInput, signature: BytesLike): string {
  const field = "voterSignature";
  const bytes = checkVoterSignature(signature, field);
  const digest = voteDigestFast(p);
  let publicKey: Uint8Array | null;
  try {
    publicKey = recover(digest, bytes.subarray(0, 64), (bytes[64] - 27) as 0 | 1, false);
  } catch (cause) {
    throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} does not recover any address`, { field, cause });
  }
  if (publicKey === null) throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} does not recover any address`, { field });
  return getAddress("0x" + keccak256(publicKey.subarray(1)).slice(26));
}
