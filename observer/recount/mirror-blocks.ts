// The recount's fast path over a mirror of format 2 (observer/mirror/mirror-store.ts):
// blocks go to the worker threads as the JSON bytes LevelDB holds, and are parsed and
// checked there. The main thread then only reads LevelDB and counts: parsing a block's
// JSON, and cloning its parsed logs to a thread, cost it more than the counting.
//
// What keeps it right: a vote is checked against its ballot as the events before it left
// it (PROTOCOL.md §9.3 R2), so a batch handed out raw must hold no event that changes a
// ballot. `holdsBallotEvent` looks for the topics of BallotCreated and BallotClosed (and
// VoteRejected, reported in place) in the bytes: in format 2 every topic is stored in
// lower case, so a block holding one always matches. Such a block is parsed on the main
// thread and takes the general path (recount.ts). A false match (the same 32 bytes inside
// a vote) only costs time.
import type { BallotOnChain } from "../../protocol/ballot.js";
import { EVENT_TOPICS } from "../../protocol/events.js";
import type { BlockLogs } from "../mirror/mirror-store.js";
import type { TimedLog } from "./event-source.js";
import { checkVoteCast, type Deployment, type VoteOutcome } from "./vote-checks.js";

const BALLOT_EVENT_TOPICS = [EVENT_TOPICS.BallotCreated, EVENT_TOPICS.BallotClosed, EVENT_TOPICS.VoteRejected].map((t) => Buffer.from(t, "latin1"));

/** Whether a stored block (its JSON bytes) may hold an event other than VoteCast that the recount must handle in order. */
export function holdsBallotEvent(raw: Uint8Array): boolean {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return BALLOT_EVENT_TOPICS.some((topic) => bytes.includes(topic));
}

const utf8 = new TextDecoder();

/** A stored block's BallotBox logs, each as a RawLog of `ballotBox` with its block's timestamp; `only` keeps one ballot's (its id topic). */
export function blockLogs(raw: Uint8Array | BlockLogs, ballotBox: string, only?: string): TimedLog[] {
  const block = raw instanceof Uint8Array ? (JSON.parse(utf8.decode(raw)) as BlockLogs) : raw;
  const timestamp = BigInt(block.timestamp);
  const out: TimedLog[] = [];
  for (const log of block.logs) {
    if (only && log.topics[1] !== only) continue;
    out.push({ log: { ...log, address: ballotBox, blockNumber: block.number, blockHash: block.hash }, timestamp });
  }
  return out;
}

/**
 * Blocks for one worker thread: their JSON bytes back to back in one buffer (handed over,
 * not copied), `ends[i]` where block i ends, `first` the number of the first in the whole
 * batch (outcomes name blocks by it). `ballots`: every ballot the recount knows,
 * by id topic, as the chain read so far left it (the blocks change none).
 */
export type RawBlocks = { bytes: Uint8Array; ends: number[]; first: number; ballots: Map<string, BallotOnChain | undefined>; only?: string };

/** One log of RawBlocks in chain order: `block` and `index` place it (in the blocks, in its block's kept logs); a VoteCast comes checked. */
export type RawLogOutcome = { block: number; index: number; ballotTopic?: string; outcome?: VoteOutcome };

/** RawBlocks' VoteCast logs decoded and checked (vote-checks.ts), the others left to the main thread. */
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

/** Splits blocks into `parts` runs of about equal size, in order, each packed into one buffer. */
export function packBlocks(blocks: Uint8Array[], parts: number): { bytes: Uint8Array; ends: number[]; first: number }[] {
  const total = blocks.reduce((n, b) => n + b.byteLength, 0);
  const out: { bytes: Uint8Array; ends: number[]; first: number }[] = [];
  let i = 0, packed = 0;
  for (let p = 0; p < parts && i < blocks.length; p++) {
    const first = i, ends: number[] = [];
    const target = p === parts - 1 ? Infinity : ((p + 1) * total) / parts;
    let size = 0;
    do {
      size += blocks[i++].byteLength;
      ends.push(size);
    } while (i < blocks.length && packed + size < target);
    const bytes = new Uint8Array(size);
    for (let k = first, at = 0; k < i; at += blocks[k].byteLength, k++) bytes.set(blocks[k], at);
    packed += size;
    out.push({ bytes, ends, first });
  }
  return out;
}
