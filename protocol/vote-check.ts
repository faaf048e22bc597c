// The ONE off-chain copy of the contract's vote rules (PROTOCOL.md §6.2), shared by the
// relay (answer at once what the contract would answer later) and the observer recount.
// Checks run in the contract's order and fail with the contract's error NAME and
// arguments, so that the relay and an observer report exactly what the chain reports
// (`VoteRejected.reason` decodes to the same name and values).
import { ZeroAddress } from "ethers";
import type { BallotOnChain, BallotRules, SignedVote } from "./ballot.js";
import { UrneError } from "./errors.js";
import { parseAddress } from "./fields.js";
import { decodePayload, type Choice } from "./payload.js";
import { issuerKeyFromModulus, type IssuerPublicKey } from "./token/issuer-key.js";
import { tokenMessage } from "./token/message.js";
import { verifyToken } from "./token/verify.js";
import { recoverVoter } from "./vote.js";
import { SEALED_PAYLOAD_VERSION, sealedLayout } from "./sealed/sealed-layout.js";

/** The contract's castVote errors (IBallotBox.sol), in check order. */
export type VoteErrorName =
  | "BallotBoxUnknownBallot"
  | "BallotBoxClosed"
  | "BallotBoxNotOpenYet"
  | "BallotBoxAlreadyVoted"
  | "BallotBoxStaleRevision"
  | "BallotBoxInvalidPayloadLength"
  | "BallotBoxInvalidPayloadByte"
  | "BallotBoxInvalidTokenSignature"
  | "BallotBoxInvalidVoterSignature";

/**
 * `args` are the error's arguments as ethers decodes them (every integer a bigint,
 * addresses checksummed), so `Interface.encodeErrorResult(error, args)` gives the bytes
 * of `VoteRejected.reason`. `field` names the vote field at fault.
 */
export type VoteCheckResult =
  | { ok: true; choice: Choice }
  /** A sealed ballot's vote: its choice is encrypted, its proofs are for its reader to check (§11.5). */
  | { ok: true; sealed: true }
  | { ok: false; error: VoteErrorName; args: (bigint | string)[]; field: string };

export type VoteCheckContext = {
  chainId: bigint;
  ballotBox: string;
  /** Timestamp (seconds) of the block the vote would be counted in. */
  now: bigint;
  /** The voter's counted vote, if any (`voteOf`): its revision. */
  recorded?: { revision: number };
  /**
   * Key recovery for check 6; `recoverVoter` (ethers, browser-safe) by default. Node
   * callers that check many votes pass `recoverVoterFast` (vote-recover.node.ts).
   */
  recover?: typeof recoverVoter;
  /** Token check for check 5; `verifyToken` by default, `verifyTokenFast` (OpenSSL, token/verify.node.ts) in Node. */
  verifyToken?: typeof verifyToken;
  /**
   * The token message of check 5 (§3.1); `tokenMessage` by default. checkVoteFast
   * (vote-check.node.ts: the relay, the recount) passes the same function with the fast
   * address parser.
   */
  tokenMessage?: typeof tokenMessage;
  /**
   * The voter address's parser; `parseAddress` (fields.ts, ethers' EIP-55 checksum) by
   * default, `parseAddressFast` (keccak.node.ts, same verdicts) in Node.
   */
  parseAddress?: typeof parseAddress;
};

// Parsing a 256-byte modulus into a bigint per vote is wasted work: ballots are few. Keyed
// by the modulus, not the ballot object: worker threads receive a fresh copy per vote.
const keys = new Map<string, IssuerPublicKey>();
const MAX_CACHED_KEYS = 1024;
function issuerKey(ballot: BallotOnChain): IssuerPublicKey {
  let key = keys.get(ballot.issuerModulus);
  if (!key) {
    key = issuerKeyFromModulus(ballot.issuerModulus);
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(ballot.issuerModulus, key);
  }
  return key;
}

/**
 * The contract's verdict on `vote` (PROTOCOL.md §6.2), `ballot` undefined when no ballot
 * has this id. The vote must be well-formed (hex fields, address, integers in range):
 * shape errors are the caller's to report (the contract would not even ABI-decode them).
 */
export function checkVote(ballot: BallotOnChain | undefined, vote: SignedVote, ctx: VoteCheckContext): VoteCheckResult {
  const fail = (error: VoteErrorName, args: (bigint | string)[], field: string): VoteCheckResult => ({ ok: false, error, args, field });
  const { ballotId, revision } = vote;
  const voter = (ctx.parseAddress ?? parseAddress)(vote.voter, "voter"); // checksummed, as the contract's errors decode
  // 1. The ballot exists.
  if (!ballot) return fail("BallotBoxUnknownBallot", [ballotId], "ballotId");
  // 2. It is open: closed early or by time first, then not yet open (same order as the contract).
  if (ballot.closedAt !== 0n || ctx.now >= ballot.closesAt) {
    return fail("BallotBoxClosed", [ballotId, ballot.closesAt, ballot.closedAt], "ballotId");
  }
  if (ctx.now < ballot.opensAt) return fail("BallotBoxNotOpenYet", [ballotId, ballot.opensAt], "ballotId");
  // 3. A voter address is counted once; a revote must carry a higher revision.
  if (ctx.recorded) {
    if (!ballot.allowRevote) return fail("BallotBoxAlreadyVoted", [ballotId, voter], "voter");
    if (revision <= ctx.recorded.revision) {
      return fail("BallotBoxStaleRevision", [ballotId, voter, BigInt(revision), BigInt(ctx.recorded.revision)], "revision");
    }
  }
  // 4. The payload is the canonical encoding of a choice (§5); the one codec is payload.ts.
  const rules: BallotRules = { kind: ballot.kind as BallotRules["kind"], optionCount: ballot.optionCount, minChoices: ballot.minChoices, maxChoices: ballot.maxChoices };
  let choice: Choice | undefined;
  if (ballot.isSealed) {
    // 4′. A sealed payload: its layout's length and the version byte, as the contract checks
    // them (§11.9); its points and proofs are not the contract's to check.
    const length = (vote.payload.length - 2) / 2;
    const expected = BigInt(sealedLayout(rules).bytes);
    if (BigInt(length) !== expected) return fail("BallotBoxInvalidPayloadLength", [BigInt(length), expected, expected], "payload");
    const version = parseInt(vote.payload.slice(2, 4), 16);
    if (version !== SEALED_PAYLOAD_VERSION) return fail("BallotBoxInvalidPayloadByte", [0n, BigInt(version)], "payload[0]");
  } else {
    try {
      choice = decodePayload(rules, vote.payload, "payload");
    } catch (error) {
      if (!(error instanceof UrneError) || error.code !== "ERR_INVALID_PAYLOAD") throw error;
      const bytes = hexBytes(vote.payload);
      const index = /^payload\[(\d+)\]$/.exec(error.field ?? "")?.[1];
      if (index !== undefined) return fail("BallotBoxInvalidPayloadByte", [BigInt(index), BigInt(bytes[Number(index)])], error.field!);
      const [min, max] = payloadLengthBounds(rules);
      return fail("BallotBoxInvalidPayloadLength", [BigInt(bytes.length), BigInt(min), BigInt(max)], "payload");
    }
  }
  // 5. The token: the issuer blind-signed this voter address for this ballot (§3).
  const message = (ctx.tokenMessage ?? tokenMessage)({ chainId: ctx.chainId, ballotBox: ctx.ballotBox, ballotId, voter });
  if (!(ctx.verifyToken ?? verifyToken)(issuerKey(ballot), message, vote.tokenSignature)) {
    return fail("BallotBoxInvalidTokenSignature", [ballotId, voter], "tokenSignature");
  }
  // 6. The voter key signed exactly this ballot, revision and payload (§4). A malformed
  // signature recovers the zero address, as OpenZeppelin's tryRecover reports it.
  let recovered: string;
  try {
    recovered = (ctx.recover ?? recoverVoter)({ chainId: ctx.chainId, ballotBox: ctx.ballotBox, ballotId, revision, payload: vote.payload }, vote.voterSignature);
  } catch (error) {
    if (!(error instanceof UrneError) || error.code !== "ERR_INVALID_SIGNATURE") throw error;
    recovered = ZeroAddress;
  }
  if (recovered !== voter) return fail("BallotBoxInvalidVoterSignature", [voter, recovered], "voterSignature");
  return choice === undefined ? { ok: true, sealed: true } : { ok: true, choice };
}

/** BallotChoice.decode's length bounds per kind (§5). */
function payloadLengthBounds(rules: BallotRules): [number, number] {
  if (rules.kind === 0) return [1, 1];
  if (rules.kind === 1) return [rules.minChoices, rules.maxChoices];
  return [rules.optionCount, rules.optionCount];
}

function hexBytes(hex: string): number[] {
  const out: number[] = [];
  for (let i = 2; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}
