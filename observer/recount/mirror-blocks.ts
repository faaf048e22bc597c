// The recount's fast path over a mirror of format 2 (observer/mirror/mirror-store.ts):
// blocks go to the worker threads as the JSON bytes LevelDB holds, and are parsed and
// checked there. The main thread then only reads LevelDB and counts: parsing a block's
// JSON, and cloning its parsed logs to a thread, cost it more than the counting.
//
// What keeps it right: a vote is checked against its ballot as the events before it left
// it (PROTOCOL.md §9.3 R2), so a batch handed out raw must hold no event that changes a
// ballot. `holdsBallotEvent` looks for the topics of BallotCreated, BallotClosed and
// BallotSealed (and VoteRejected and DecryptionShareSubmitted, read in place) in the bytes: in format 2 every topic is stored in
// lower case, so a block holding one always matches. Such a block is parsed on the main
// thread and takes the general path (recount.ts). A false match (the same 32 bytes inside
// a vote) only costs time.
// The threads parse and check such batches with protocol/vote-check.node.ts checkRawBlocks
// (protocol/vote-check-pool.node.ts checkBlocks).
import { EVENT_TOPICS } from "../../protocol/events.js";

const BALLOT_EVENT_TOPICS = [EVENT_TOPICS.BallotCreated, EVENT_TOPICS.BallotClosed, EVENT_TOPICS.VoteRejected, EVENT_TOPICS.BallotSealed, EVENT_TOPICS.DecryptionShareSubmitted].map((t) => Buffer.from(t, "latin1"));

/** Whether a stored block (its JSON bytes) may hold an event other than VoteCast that the recount must handle in order. */
export function holdsBallotEvent(raw: Uint8Array): boolean {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return BALLOT_EVENT_TOPICS.some((topic) => bytes.includes(topic));
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
