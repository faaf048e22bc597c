// The voter's signature over its ballot (PROTOCOL.md §4): EIP-712 typed data, so that
// wallets can display it and the contract checks it with one ecrecover. It binds the
// payload and revision to the ballot: the relayer cannot alter either.
import { getBytes, keccak256, recoverAddress, TypedDataEncoder, type BytesLike, type TypedDataDomain, type TypedDataField } from "ethers";
import { VOTE_TYPEHASH } from "./constants.js";
import { UrneError, ErrorCode } from "./errors.js";
import { checkSafeInteger, checkUint, parseAddress } from "./fields.js";
import { bytesToBigInt, parseHex, toHex } from "./hex.js";

export type VoteInput = { chainId: bigint; ballotBox: string; ballotId: bigint; revision: number; payload: BytesLike };

/** Vote(uint256 ballotId,uint32 revision,bytes payload) (§4). */
export const VOTE_TYPES: Record<string, TypedDataField[]> = Object.freeze({
  Vote: Object.freeze([
    Object.freeze({ name: "ballotId", type: "uint256" }),
    Object.freeze({ name: "revision", type: "uint32" }),
    Object.freeze({ name: "payload", type: "bytes" }),
  ]) as TypedDataField[],
});

/** Largest revision (uint32). */
export const MAX_REVISION = 0xffff_ffff;

/** secp256k1 group order n, and n/2: OpenZeppelin ECDSA refuses s > n/2 (EIP-2). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const SECP256K1_HALF_N = SECP256K1_N >> 1n;

/** The EIP-712 domain of one BallotBox deployment (§4). */
export function voteDomain(chainId: bigint, ballotBox: string): TypedDataDomain {
  return {
    name: "urne",
    version: "1",
    chainId: checkUint(chainId, 256, "chainId", 1n),
    verifyingContract: parseAddress(ballotBox, "ballotBox"),
  };
}

function voteValue(p: VoteInput): { ballotId: bigint; revision: number; payload: string } {
  return {
    ballotId: checkUint(p.ballotId, 256, "ballotId"),
    revision: checkSafeInteger(p.revision, "revision", 0, MAX_REVISION),
    payload: toHex(parseHex(p.payload, "payload")),
  };
}

/** keccak256 over bytes: ethers' (JavaScript) by default; Node's hot paths pass keccak.node.ts's. */
export type Keccak256 = (data: Uint8Array) => Uint8Array;
const keccakJs: Keccak256 = (data) => getBytes(keccak256(data));

const TYPEHASH = parseHex(VOTE_TYPEHASH, "VOTE_TYPEHASH", 32);
const separators = new Map<string, Uint8Array>();

/**
 * The EIP-712 domain separator of one deployment (ethers' hashDomain), computed once per exact
 * input: keyed by the values as given, so that a spelling never checked (a wrong checksum, a
 * chain id of another type) is validated by voteDomain rather than served from the cache.
 */
function domainSeparator(chainId: bigint, ballotBox: string): Uint8Array {
  const key = `${typeof chainId}:${String(chainId)}:${typeof ballotBox}:${String(ballotBox)}`;
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
 * The EIP-712 hash the voter signs and the contract recovers from, written out byte by byte:
 * keccak256(0x1901 ‖ domain ‖ keccak256(VOTE_TYPEHASH ‖ ballotId ‖ revision ‖ keccak256(payload))).
 * The one implementation (ethers' typed-data encoder cost about 0.13 ms a vote in the relay and
 * the recount); test/protocol/vote.test.ts holds it to ethers' TypedDataEncoder.hash.
 */
export function voteDigestBytes(p: VoteInput, keccak: Keccak256 = keccakJs): Uint8Array {
  const struct = new Uint8Array(128);
  struct.set(TYPEHASH, 0);
  putUint256(struct, 32, checkUint(p.ballotId, 256, "ballotId"));
  putUint256(struct, 64, BigInt(checkSafeInteger(p.revision, "revision", 0, MAX_REVISION)));
  struct.set(keccak(parseHex(p.payload, "payload")), 96);
  const message = new Uint8Array(66);
  message[0] = 0x19;
  message[1] = 0x01;
  message.set(domainSeparator(p.chainId, p.ballotBox), 2);
  message.set(keccak(struct), 34);
  return keccak(message);
}

/** voteDigestBytes as 0x-hex. */
export function voteDigest(p: VoteInput, keccak?: Keccak256): string {
  return toHex(voteDigestBytes(p, keccak));
}

/** What signVote needs of a signer; an ethers Wallet fits. */
export type TypedDataSigner = {
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
};

/**
 * Signs a vote with the voter key. The result is checked against the rules the contract
 * applies (65 bytes, v ∈ {27, 28}, low s) and against recovery, so that a signer that
 * does not follow them fails here rather than on chain.
 */
export async function signVote(signer: TypedDataSigner, p: VoteInput): Promise<string> {
  const signature = await signer.signTypedData(voteDomain(p.chainId, p.ballotBox), VOTE_TYPES, voteValue(p));
  checkVoterSignature(signature, "voterSignature");
  return signature.toLowerCase();
}

/**
 * Parses a voter signature as the contract does (OpenZeppelin ECDSA): r ‖ s ‖ v, 65
 * bytes, v ∈ {27, 28}, 0 < r < n, 0 < s <= n/2. High s is refused because (r, n - s)
 * is a second valid signature of the same vote: accepting both would make VoteCast
 * events non-unique.
 */
export function checkVoterSignature(signature: BytesLike, field: string): Uint8Array {
  const bytes = parseHex(signature, field);
  const reject = (why: string): never => {
    throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} ${why}`, { field });
  };
  if (bytes.length !== 65) reject(`must be 65 bytes (r ‖ s ‖ v), got ${bytes.length}`);
  const r = bytesToBigInt(bytes.subarray(0, 32));
  const s = bytesToBigInt(bytes.subarray(32, 64));
  const v = bytes[64];
  if (v !== 27 && v !== 28) reject(`must end with v = 27 or 28, got ${v}`);
  if (r === 0n || r >= SECP256K1_N) reject("has r out of range");
  if (s === 0n || s > SECP256K1_HALF_N) reject("has s out of the lower half of the curve order");
  return bytes;
}

/**
 * The address that signed this vote, checksummed. The caller compares it with the
 * claimed voter: a tampered vote recovers another address. A malformed signature, or
 * one from which no key can be recovered, throws UrneError ERR_INVALID_SIGNATURE.
 */
export function recoverVoter(p: VoteInput, signature: BytesLike): string {
  const field = "voterSignature";
  const bytes = checkVoterSignature(signature, field);
  const digest = voteDigest(p);
  try {
    return recoverAddress(digest, toHex(bytes));
  } catch (cause) {
    throw new UrneError(ErrorCode.ERR_INVALID_SIGNATURE, `${field} does not recover any address`, { field, cause });
  }
}
