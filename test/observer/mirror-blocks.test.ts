// The recount's fast path over a mirror (observer/recount/mirror-blocks.ts): which blocks
// may go to the threads as bytes, and how they are packed. Its verdicts are held to the
// general path's in recount-faulty-box.test.ts.
import { expect } from "chai";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ballotBoxInterface, EVENT_TOPICS } from "../../protocol/events.js";
import { testIssuer } from "../helpers/ballot-box-fixture.js";
import { MIRROR_FORMAT, MirrorStore } from "../../observer/mirror/mirror-store.js";
import { mirrorSource } from "../../observer/recount/event-source.js";
import { holdsBallotEvent, packBlocks } from "../../observer/recount/mirror-blocks.js";
import { recount, type RecountOptions, type RecountReport } from "../../observer/recount/recount.js";

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

  it("a VoteCast that does not decode, on a thread while other batches are out: the recount fails naming the log, the process goes on", async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(path.join(os.tmpdir(), "urne-mirror-blocks-"));
    try {
      const store = await MirrorStore.open(dir);
      await store.setMeta({ format: MIRROR_FORMAT, chainId: "31337", ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
      const hash = (n: number) => "0x" + n.toString(16).padStart(64, "0");
      // Block 1: a VoteCast whose data is cut short; blocks 2-40: more of the same, so that
      // batches are in flight when the first one fails.
      await store.append(Array.from({ length: 41 }, (_, n) => ({
        header: { number: n, hash: hash(n + 1), parentHash: hash(n), timestamp: 1_000 + n },
        logs: n === 0 ? [] : [{ topics: [EVENT_TOPICS.VoteCast, id, voter], data: "0x" + "00".repeat(31) + "01", transactionHash: hash(1_000 + n), logIndex: 0 }],
      })));
      await store.close();
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", listener);
      try {
        const source = await mirrorSource(dir);
        let failure: Error | undefined;
        await recount(source, { threads: 2, inlineBelow: 0, rawBatchBytes: 1 }).catch((e: Error) => (failure = e)).finally(() => source.close());
        expect(failure?.message).to.match(/vote-check thread: log 0 of block 1 does not decode as a BallotBox event/);
        await new Promise((resolve) => setTimeout(resolve, 300)); // the batches still out fail too
        expect(unhandled, "a failed batch left unhandled would end `urne recount` before its message").to.deep.equal([]);
      } finally {
        process.off("unhandledRejection", listener);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("R1 judges a BallotCreated by the events read before it, whatever the batching: a vote before it is rejected, not the ballot", async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(path.join(os.tmpdir(), "urne-mirror-r1-"));
    const box = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const hash = (n: number) => "0x" + n.toString(16).padStart(64, "0");
    const issuer = testIssuer(0);
    const params = {
      kind: 0, minChoices: 0, maxChoices: 0, opensAt: 0n, closesAt: 10n ** 10n, allowRevote: false, liveResults: true,
      issuerModulus: issuer.modulus, issuerKeyProof: issuer.keyProof, question: "Pour ou contre ?", options: ["Pour", "Contre"],
    };
    const vote = (ballotId: bigint) => ballotBoxInterface.encodeEventLog("VoteCast", [ballotId, "0x" + "11".repeat(20), 0, "0x00", "0x" + "22".repeat(256), "0x" + "33".repeat(65)]);
    // Block 1: a vote in ballot 5; blocks 2-6: ballots 1 to 5 created; block 7: another vote in ballot 5.
    const logs = [[vote(5n)], ...[1n, 2n, 3n, 4n, 5n].map((id) => [ballotBoxInterface.encodeEventLog("BallotCreated", [id, box, params])]), [vote(5n)]];
    try {
      const store = await MirrorStore.open(dir);
      await store.setMeta({ format: MIRROR_FORMAT, chainId: "31337", ballotBox: box });
      await store.append([{ header: { number: 0, hash: hash(1), parentHash: hash(0), timestamp: 1_000 }, logs: [] },
        ...logs.map((l, i) => ({ header: { number: i + 1, hash: hash(i + 2), parentHash: hash(i + 1), timestamp: 1_001 + i }, logs: l.map((log, logIndex) => ({ ...log, transactionHash: hash(100 + i), logIndex })) }))]);
      await store.close();
      const run = async (opts: RecountOptions, format: number) => {
        const meta = await MirrorStore.open(dir);
        await meta.setMeta({ format, chainId: "31337", ballotBox: box });
        await meta.close();
        const source = await mirrorSource(dir); // every ballot: the other BallotCreated fill the queue in between
        return recount(source, { threads: 0, ...opts }).finally(() => source.close());
      };
      const outline = (r: RecountReport) => r.ballots.map((b) => ({ checks: b.checks.map((c) => [c.step, c.ok, c.message]), rejected: b.rejected.map((v) => v.error), question: b.question }));
      const reports = [await run({}, 2), await run({ rawBatchBytes: 1 }, 2), await run({}, 1), await run({ batchLogs: 1 }, 1)].map(outline);
      for (const r of reports.slice(1)) expect(r).to.deep.equal(reports[0]);
      const ballot = reports[0][4];
      expect(ballot.question).to.equal("Pour ou contre ?");
      expect(ballot.checks.find(([step]) => step === "R1")?.[1]).to.equal(true);
      expect(ballot.rejected).to.deep.equal(["BallotBoxUnknownBallot", "BallotBoxInvalidTokenSignature"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
