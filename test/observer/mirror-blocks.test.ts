// The recount's fast path over a mirror (observer/recount/mirror-blocks.ts): which blocks
// may go to the threads as bytes, and how they are packed. Its verdicts are held to the
// general path's in recount-faulty-box.test.ts.
import { expect } from "chai";
import { randomBytes, randomInt } from "node:crypto";
import { EVENT_TOPICS } from "../../protocol/events.js";
import { holdsBallotEvent, packBlocks } from "../../observer/recount/mirror-blocks.js";

const block = (topics: string[][], data = "0x") =>
  Buffer.from(JSON.stringify({ number: 7, hash: "0x" + "ab".repeat(32), timestamp: 1, logs: topics.map((t, logIndex) => ({ topics: t, data, transactionHash: "0x" + "cd".repeat(32), logIndex })) }));

describe("observer/recount/mirror-blocks", () => {
  const id = "0x" + "0".repeat(63) + "1";
  const voter = "0x" + "0".repeat(24) + "11".repeat(20);

  it("holdsBallotEvent: a block of VoteCast logs only may go raw; one with BallotCreated, BallotClosed or VoteRejected may not", () => {
    expect(holdsBallotEvent(block([[EVENT_TOPICS.VoteCast, id, voter], [EVENT_TOPICS.VoteCast, id, voter]]))).to.equal(false);
    for (const topic of [EVENT_TOPICS.BallotCreated, EVENT_TOPICS.BallotClosed, EVENT_TOPICS.VoteRejected]) {
      expect(holdsBallotEvent(block([[EVENT_TOPICS.VoteCast, id, voter], [topic, id]])), topic).to.equal(true);
    }
    // The same 32 bytes inside a vote's data: a false match, which only costs time.
    expect(holdsBallotEvent(block([[EVENT_TOPICS.VoteCast, id, voter]], EVENT_TOPICS.BallotClosed))).to.equal(true);
  });

  it("packBlocks: runs in order, each block's bytes intact, as many runs as asked or fewer", () => {
    for (let trial = 0; trial < 50; trial++) {
      const blocks = Array.from({ length: randomInt(0, 12) }, () => randomBytes(randomInt(1, 3000)));
      const parts = randomInt(1, 5);
      const packed = packBlocks(blocks, parts);
      expect(packed.length).to.be.at.most(Math.min(parts, blocks.length));
      let next = 0;
      for (const { bytes, ends, first } of packed) {
        expect(first).to.equal(next);
        let start = 0;
        ends.forEach((end, i) => {
          expect(Buffer.from(bytes.subarray(start, end)).equals(blocks[first + i])).to.equal(true);
          start = end;
        });
        expect(start).to.equal(bytes.byteLength);
        next += ends.length;
      }
      expect(next).to.equal(blocks.length);
    }
  });
});
