// The relay and sealed ballots (PROTOCOL.md §11.5, §11.9): the contract checks a sealed
// payload's length and version byte only, so the relay checks its proofs before it
// acknowledges anything: a ballot whose proofs fail, or one copied from another voter, is
// refused with ERR_INVALID_BALLOT_PROOF naming the proof; valid ones land on chain in
// batches that stay under the chain's transaction size, whatever their length.
import { expect } from "chai";
import { BallotKind } from "../../../protocol/index.js";
import { MAX_SEALED_PAYLOAD_BYTES, sealedLayout } from "../../../protocol/sealed/sealed-layout.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { randomVoter } from "../../helpers/ballot-box-fixture.js";
import { recordedTracker, sealedFixture, type SealedFixture } from "../../helpers/sealed-ballot-fixture.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";

for (const backend of testBackends()) {
  describe(`relay: sealed ballots (${backend.name})`, function () {
    this.timeout(180_000);
    let chain: TestChain;
    let rf: RelayFixture;
    let sf: SealedFixture;
    const events: { event: string; fields: Record<string, unknown> }[] = [];
    before(async () => {
      chain = await backend.start();
      rf = await relayFixture(chain, { batchSize: 50, log: (event, fields) => events.push({ event, fields }) });
      sf = sealedFixture(rf.fx);
    });
    after(async () => {
      await rf?.close();
      await chain?.stop();
    });

    /** A voter's sealed ballot of `choice`, signed with a fresh token. */
    async function sealedVote(ballot: Awaited<ReturnType<SealedFixture["createSealedBallot"]>>, choice: Parameters<SealedFixture["seal"]>[2], voter = randomVoter()) {
      const { payload, tracker } = sf.seal(ballot, voter.address, choice);
      return { vote: await rf.fx.signedVote(ballot, payload, { voter }), tracker };
    }

    it("takes sealed ballots whose proofs verify and lands them, each voter's tracker recorded", async () => {
      const ballot = await sf.createSealedBallot({ allowRevote: true });
      const cast = await Promise.all(Array.from({ length: 12 }, (_, i) => sealedVote(ballot, { kind: BallotKind.SingleChoice, option: i % 3 })));
      const answers = await Promise.all(cast.map(({ vote }) => rf.post(voteBody(vote))));
      for (const a of answers) expect(a.status, JSON.stringify(a.body)).to.equal(202);
      for (const [i, a] of answers.entries()) {
        const r = await rf.settled(a.body.receiptId);
        expect(r.status).to.equal("final");
        expect(await rf.fx.box.trackerOf(ballot.id, cast[i].vote.voter)).to.equal(recordedTracker(cast[i].tracker));
      }
      expect(await rf.fx.box.votersCount(ballot.id)).to.equal(12n);
    });

    it("refuses a ballot whose proof fails, naming the proof, and keeps nothing of it", async () => {
      const ballot = await sf.createSealedBallot();
      const { vote } = await sealedVote(ballot, { kind: BallotKind.SingleChoice, option: 1 });
      // One byte of the first cell's proof changed: the length and version still pass the contract's check.
      const bytes = Buffer.from(vote.payload.slice(2), "hex");
      const proofStart = 1 + sealedLayout(ballot.rules).cells * 66;
      bytes[proofStart + 40] ^= 1;
      const tampered = await rf.fx.signedVote(ballot, "0x" + bytes.toString("hex"), { voter: vote.wallet });
      const answer = await rf.post(voteBody(tampered));
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.include({ code: "ERR_INVALID_BALLOT_PROOF", field: "vote.payload.cellProofs[0]" });
      expect(await rf.relay.journal.latestOfVoter(ballot.id, tampered.voter)).to.equal(undefined);
      // The voter's genuine ballot is still taken.
      const genuine = await rf.post(voteBody(vote));
      expect(genuine.status).to.equal(202);
      expect((await rf.settled(genuine.body.receiptId)).status).to.equal("final");
    });

    it("refuses a ballot copied from another voter (its proofs are bound to that voter)", async () => {
      const ballot = await sf.createSealedBallot();
      const { vote } = await sealedVote(ballot, { kind: BallotKind.SingleChoice, option: 0 });
      // Another voter, with a token of their own, signs the first voter's sealed payload.
      const copy = await rf.fx.signedVote(ballot, vote.payload, { voter: randomVoter() });
      const answer = await rf.post(voteBody(copy));
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal("ERR_INVALID_BALLOT_PROOF");
      expect(answer.body.error.field).to.match(/^vote\.payload\.(cellProofs|sumProofs)\[\d+\]$/);
    });

    it("refuses a sealed ballot of another ballot's key, and a public payload on a sealed ballot", async () => {
      const ballot = await sf.createSealedBallot();
      const other = await sf.createSealedBallot();
      const voter = randomVoter();
      const { payload } = sf.seal(other, voter.address, { kind: BallotKind.SingleChoice, option: 0 });
      const wrongBallot = await rf.fx.signedVote(ballot, payload, { voter });
      expect((await rf.post(voteBody(wrongBallot))).body.error.code).to.equal("ERR_INVALID_BALLOT_PROOF");
      const plain = await rf.fx.signedVote(ballot, "0x01");
      const answer = await rf.post(voteBody(plain));
      expect(answer.body.error).to.include({ code: "ERR_INVALID_PAYLOAD", field: "vote.payload" });
    });

    it("sends long sealed ballots (majority judgment) in batches under the chain's transaction size", async () => {
      const options = Array.from({ length: 14 }, (_, c) => `Candidat ${c + 1}`);
      const ballot = await sf.createSealedBallot({ kind: BallotKind.MajorityJudgment, options });
      const before = events.length;
      // 8 ballots of 12.7 KB: more than one transaction's 96 KiB, so at least two transactions.
      const cast = await Promise.all(Array.from({ length: 8 }, (_, i) => sealedVote(ballot, { kind: BallotKind.MajorityJudgment, grades: options.map((_, c) => (c + i) % 6) })));
      expect((cast[0].vote.payload.length - 2) / 2).to.equal(1 + 70 * 162 + 14 * 96); // 12,685
      // Sealing them held this process' one thread for seconds, the relay's server's too: the
      // keep-alive sockets of the earlier tests expired meanwhile on both sides, and their
      // timers fire on the next turns. Posting at once would race them (ECONNRESET).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const answers = await Promise.all(cast.map(({ vote }) => rf.post(voteBody(vote))));
      for (const a of answers) expect(a.status, JSON.stringify(a.body)).to.equal(202);
      for (const a of answers) expect((await rf.settled(a.body.receiptId)).status).to.equal("final");
      const sent = events.slice(before).filter((e) => e.event === "relay.tx_sent").map((e) => e.fields.ballots as number);
      expect(sent.reduce((a, b) => a + b, 0)).to.equal(8);
      expect(sent.length).to.be.at.least(2);
      expect(Math.max(...sent)).to.be.at.most(7); // 96 KiB of payloads at most per transaction (12.7 KB each)
      expect(events.map((e) => e.event)).to.not.include("relay.tx_reverted");
      expect(await rf.fx.box.votersCount(ballot.id)).to.equal(8n);
    });

    it("takes at most the longest sealed payload at its door", async () => {
      const ballot = await sf.createSealedBallot();
      const long = await rf.fx.signedVote(ballot, "0x02" + "00".repeat(MAX_SEALED_PAYLOAD_BYTES));
      const answer = await rf.post(voteBody(long));
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.include({ code: "ERR_INVALID_HEX", field: "vote.payload" });
    });
  });
}
