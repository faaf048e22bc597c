// R2's work on one VoteCast (PROTOCOL.md §9.3), the part that does not depend on the
// votes before it: decode the log, then protocol/vote-check.ts's checkVote, with the
// ballot as it stood at that point of the chain and no recorded vote. Only check 3 (a
// voter counted before) depends on earlier votes; the recount re-runs checkVote with the
// recorded revision for those voters (ballot-recount.ts), so every verdict is checkVote's.
// Pure and independent per vote: runs on worker threads (vote-check-pool.ts). Node-only:
// OpenSSL for the token (verify.node.ts) and libsecp256k1 for the voter key.
import type { BallotOnChain } from "../../protocol/ballot.js";
import type { RawLog } from "../../protocol/events.js";
import { parseAddressFast } from "../../protocol/keccak.node.js";
import { verifyTokenFast } from "../../protocol/token/verify.node.js";
import { checkVote, type VoteCheckContext, type VoteCheckResult } from "../../protocol/vote-check.js";
import { recoverVoterFast } from "../../protocol/vote-recover.node.js";
import { tokenMessageFast } from "./fast-encodings.js";
import { decodeVoteCast } from "./vote-cast-decoder.js";

export type Deployment = { chainId: bigint; ballotBox: string };

/** A VoteCast log, its block's timestamp, and its ballot as BallotCreated/BallotClosed left it (undefined: no such ballot). */
export type VoteJob = { log: RawLog; timestamp: bigint; ballot: BallotOnChain | undefined };

/**
 * What a worker thread sends back for a VoteCast: its voter (checksummed) and revision,
 * and checkVote's verdict without a recorded vote. Only this crosses back: the decoded
 * event's byte strings would cost the main thread more to receive than to decode again
 * for the few votes that need them (revotes, rejections).
 */
export type VoteOutcome = { voter: string; revision: number; verdict: VoteCheckResult };

/** The fast primitives, same verdicts as the protocol's defaults (cross-checked by tests). */
export function fastContext(at: Deployment, now: bigint, recorded?: { revision: number }): VoteCheckContext {
  return { chainId: at.chainId, ballotBox: at.ballotBox, now, recorded, verifyToken: verifyTokenFast, recover: recoverVoterFast, tokenMessage: tokenMessageFast, parseAddress: parseAddressFast };
}

export function checkVoteCast(job: VoteJob, at: Deployment): VoteOutcome {
  const { vote } = decodeVoteCast(job.log, at.ballotBox);
  return { voter: vote.voter, revision: vote.revision, verdict: checkVote(job.ballot, vote, fastContext(at, job.timestamp)) };
}
