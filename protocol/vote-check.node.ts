// checkVote (vote-check.ts) for the parts that check votes by the thousand: the relay (every
// ballot it takes) and the observer recount (every VoteCast on chain, PROTOCOL.md §9.3 R2).
// The same function, the same verdicts, with every slow primitive of the default context
// replaced by its fast twin, each held to the canonical one by a differential test:
//   key recovery   libsecp256k1, 0.07 ms instead of ethers' 2.1 ms  (vote-recover.node.ts, test/protocol/vote-recover.test.ts)
//   token check    OpenSSL, 20 µs instead of 200 µs                  (token/verify.node.ts, test/protocol/token/verify-node.test.ts)
//   voter address  native keccak checksum, 4 µs instead of 15 µs     (keccak.node.ts, test/protocol/keccak-node.test.ts)
//   (the token message is byte by byte everywhere: token/message.ts, with the fast address parser here)
// and the work the vote-check threads do (vote-check-pool.node.ts), in the three shapes
// votes come in: one signed vote (the relay), a VoteCast log (the recount), blocks of logs
// as a mirror's JSON bytes (the recount from a mirror). Pure and independent per vote.
// Node-only: OpenSSL, libsecp256k1, the native keccak.
import type { BallotOnChain, SignedVote } from "./ballot.js";
import { blockLogs, EVENT_TOPICS, type TimedLog } from "./events.js";
import { tokenMessage } from "./token/message.js";
import { parseAddressFast } from "./keccak.node.js";
import { verifyTokenFast } from "./token/verify.node.js";
import { decodeVoteCast } from "./vote-cast-decoder.node.js";
import { checkVote, type VoteCheckContext, type VoteCheckResult } from "./vote-check.js";
import { recoverVoterFast } from "./vote-recover.node.js";

/**
 * checkVote with the fast primitives; `ctx` holds data only (the primitives are set here,
 * on whichever thread runs it: functions cannot cross to a worker thread).
 */
export function checkVoteFast(ballot: BallotOnChain | undefined, vote: SignedVote, ctx: VoteCheckContext): VoteCheckResult {
  return checkVote(ballot, vote, { ...ctx, recover: recoverVoterFast, verifyToken: verifyTokenFast, tokenMessage: (p) => tokenMessage(p, parseAddressFast), parseAddress: parseAddressFast });
}

/** The ballot box whose votes are checked: its chain and address. */
export type Deployment = { chainId: bigint; ballotBox: string };

/** A VoteCast log, its block's timestamp, and its ballot as BallotCreated/BallotClosed left it (undefined: no such ballot). */
export type VoteJob = TimedLog & { ballot: BallotOnChain | undefined };

/**
 * What a thread sends back for a VoteCast: its voter (checksummed) and revision, and
 * checkVote's verdict without a recorded vote. Only this crosses back: the decoded event's
 * byte strings would cost the main thread more to receive than to decode again for the
 * few votes that need them (revotes, rejections). Only check 3 (a voter counted before)
 * depends on earlier votes: the recount runs checkVoteFast again with the recorded
 * revision for those voters (observer/recount/ballot-recount.ts).
 */
export type VoteOutcome = { voter: string; revision: number; verdict: VoteCheckResult };

/** Decode a VoteCast log (throws ERR_INVALID_EVENT for one that does not decode), then checkVoteFast. */
export function checkVoteCast(job: VoteJob, at: Deployment): VoteOutcome {
  const { vote } = decodeVoteCast(job.log, at.ballotBox);
  return { voter: vote.voter, revision: vote.revision, verdict: checkVoteFast(job.ballot, vote, { ...at, now: job.timestamp }) };
}

/**
 * Blocks for one thread: their JSON bytes (events.ts BlockLogs) back to back in one buffer
 * (handed over, not copied), `ends[i]` where block i ends, `first` the number of the first
 * in the whole batch (outcomes name blocks by it). `ballots`: every ballot known, by id
 * topic (ballotIdTopic), as the chain left it before these blocks: the caller hands out raw
 * only blocks that change no ballot (observer/recount/mirror-blocks.ts). `only`: keep one
 * ballot's logs.
 */
export type RawBlocks = { bytes: Uint8Array; ends: number[]; first: number; ballots: Map<string, BallotOnChain | undefined>; only?: string };

/** One log of RawBlocks in chain order: `block` and `index` place it (in the blocks, in its block's kept logs); a VoteCast comes checked. */
export type RawLogOutcome = { block: number; index: number; ballotTopic?: string; outcome?: VoteOutcome };

/** RawBlocks' VoteCast logs decoded and checked (checkVoteCast), the others left to the caller. */
export function checkRawBlocks(blocks: RawBlocks, at: Deployment): RawLogOutcome[] {
  const out: RawLogOutcome[] = [];
  let start = 0;
  blocks.ends.forEach((end, i) => {
    const block = blocks.first + i;
    const logs = blockLogs(blocks.bytes.subarray(start, end), at.ballotBox, blocks.only);
    start = end;
    logs.forEach(({ log, timestamp }, index) => {
      if (log.topics[0]?.toLowerCase() !== EVENT_TOPICS.VoteCast) return void out.push({ block, index });
      // A VoteCast of another shape fails in checkVoteCast's decoder, naming the log.
      const ballotTopic = String(log.topics[1]).toLowerCase();
      out.push({ block, index, ballotTopic, outcome: checkVoteCast({ log, timestamp, ballot: blocks.ballots.get(ballotTopic) }, at) });
    });
  });
  return out;
}
