// BallotBox.castVotes (PROTOCOL.md §6.2): a bad vote in a batch is skipped with VoteRejected,
// whose reason is exactly the revert data castVote gives for it; the good ones are counted.
import { expect } from "chai";
import type { Contract, LogDescription, TransactionReceipt } from "ethers";
import type { SignedVote } from "../../../protocol/index.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { ballotBoxFixture, randomVoter, testIssuer, voteArg, type BallotBoxFixture, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { decodeError, expectRevert, revertOf } from "../../helpers/contract-errors.js";

for (const backend of testBackends()) {
  describe(`BallotBox.castVotes (${backend.name})`, function () {
    this.timeout(180_000);
    let chain: TestChain;
    let fx: BallotBoxFixture;
    let single: TestBallot;
    let revote: TestBallot;
    let mj: TestBallot;

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      single = await fx.createBallot();
      revote = await fx.createBallot({ allowRevote: true });
      mj = await fx.createBallot({ kind: 2, options: ["Alice", "Bob", "Chloé"], allowRevote: true });
    });
    after(async () => {
      fx?.destroy();
      await chain?.stop();
    });

    const events = (receipt: TransactionReceipt): LogDescription[] =>
      receipt.logs.map((l) => fx.iface.parseLog(l)).filter((e): e is LogDescription => e !== null);
    const castVotes = async (votes: SignedVote[]) => {
      const accepted = (await fx.box.castVotes.staticCall(votes.map(voteArg))) as bigint;
      const receipt = (await (await fx.box.castVotes(votes.map(voteArg))).wait())!;
      return { accepted, events: events(receipt) };
    };
    /** What castVote reverts with for this vote, now. */
    const castVoteReason = async (vote: SignedVote) => (await revertOf(fx.iface, fx.box.castVote.staticCall(voteArg(vote)))).data;
    const tally = async (b: TestBallot) => ((await fx.box.tally(b.id)) as bigint[]).map(Number);

    it("counts the good votes and skips each bad one with VoteRejected carrying castVote's revert data", async () => {
      const t = await fx.now();
      const closed = await fx.createBallot({ opensAt: t - 7200n, closesAt: t - 1n });
      const good = [
        await fx.signedVote(single, "0x00"),
        await fx.signedVote(mj, "0x050403"),
        await fx.signedVote(single, "0x02"),
        await fx.signedVote(single, "0x02"),
      ];
      const other = randomVoter();
      const tamperedSig = await fx.signedVote(single, "0x00");
      const bad = [
        { ...(await fx.signedVote(single, "0x00")), payload: "0x03" }, // bad payload
        await fx.signedVote(single, "0x01", { tokenSignature: "0x" + "01".repeat(256) }), // bad token
        { ...tamperedSig, voterSignature: (await fx.signedVote(single, "0x00", { voter: other })).voterSignature }, // wrong signer
        await fx.signedVote({ ...single, id: 999_999n }, "0x00"), // unknown ballot
        await fx.signedVote(closed, "0x00"), // closed
        await fx.signedVote(mj, "0x0506"), // bad length
      ];
      const expectedReasons = await Promise.all(bad.map(castVoteReason));
      expect(expectedReasons.map((d) => decodeError(fx.iface, d).name)).to.deep.equal([
        "BallotBoxInvalidPayloadByte", "BallotBoxInvalidTokenSignature", "BallotBoxInvalidVoterSignature",
        "BallotBoxUnknownBallot", "BallotBoxClosed", "BallotBoxInvalidPayloadLength",
      ]);
      const before = { single: await tally(single), mj: await tally(mj), voters: await fx.box.votersCount(single.id) };

      // good, bad, good, bad... with the bad ones in the middle of the batch
      const batch = [good[0], bad[0], bad[1], good[1], bad[2], bad[3], good[2], bad[4], bad[5], good[3]];
      const { accepted, events } = await castVotes(batch);
      expect(accepted).to.equal(4n);
      expect(events.map((e) => [e.name, e.args.voter])).to.deep.equal(batch.map((v) => [good.includes(v as never) ? "VoteCast" : "VoteRejected", v.voter]));
      const rejected = events.filter((e) => e.name === "VoteRejected");
      expect(rejected.map((e) => [e.args.ballotId, e.args.voter, e.args.revision, e.args.reason])).to.deep.equal(
        bad.map((v, i) => [v.ballotId, v.voter, BigInt(v.revision), expectedReasons[i]]),
      );

      expect(await tally(single)).to.deep.equal([before.single[0] + 1, before.single[1], before.single[2] + 2]);
      expect(await tally(mj)).to.deep.equal(before.mj.map((c, i) => c + ([5, 6 + 4, 12 + 3].includes(i) ? 1 : 0)));
      expect(await fx.box.votersCount(single.id)).to.equal(before.voters + 3n);
      for (const v of bad.slice(0, 3)) expect((await fx.box.voteOf(single.id, v.voter))[0]).to.equal(false);
    });

    describe("with the same voter twice in one batch", () => {
      it("counts the first and rejects the second when revoting is not allowed", async () => {
        const voter = randomVoter();
        const first = await fx.signedVote(single, "0x00", { voter });
        const second = await fx.signedVote(single, "0x01", { voter, revision: 1 });
        const before = await tally(single);
        const { accepted, events } = await castVotes([first, second]);
        expect(accepted).to.equal(1n);
        expect(events.map((e) => e.name)).to.deep.equal(["VoteCast", "VoteRejected"]);
        expect(decodeError(fx.iface, events[1].args.reason)).to.deep.include({ name: "BallotBoxAlreadyVoted", args: [single.id, voter.address] });
        expect(await tally(single)).to.deep.equal([before[0] + 1, before[1], before[2]]);
      });

      it("counts the same signed vote only once", async () => {
        const vote = await fx.signedVote(revote, "0x01");
        const { accepted, events } = await castVotes([vote, vote]);
        expect(accepted).to.equal(1n);
        expect(decodeError(fx.iface, events[1].args.reason)).to.deep.include({ name: "BallotBoxStaleRevision", args: [revote.id, vote.voter, 0n, 0n] });
      });

      it("applies a revote that follows in the same batch, replacing the first choice", async () => {
        const voter = randomVoter();
        const before = await tally(revote);
        const { accepted } = await castVotes([
          await fx.signedVote(revote, "0x00", { voter }),
          await fx.signedVote(revote, "0x02", { voter, revision: 1 }),
        ]);
        expect(accepted).to.equal(2n);
        expect(await tally(revote)).to.deep.equal([before[0], before[1], before[2] + 1]);
        expect([...(await fx.box.voteOf(revote.id, voter.address))]).to.deep.equal([true, 1n]);
      });

      it("rejects an older revision that follows a newer one", async () => {
        const voter = randomVoter();
        const { accepted, events } = await castVotes([
          await fx.signedVote(revote, "0x02", { voter, revision: 1 }),
          await fx.signedVote(revote, "0x00", { voter, revision: 0 }),
        ]);
        expect(accepted).to.equal(1n);
        expect(decodeError(fx.iface, events[1].args.reason)).to.deep.include({ name: "BallotBoxStaleRevision", args: [revote.id, voter.address, 0n, 1n] });
        expect([...(await fx.box.voteOf(revote.id, voter.address))]).to.deep.equal([true, 1n]);
      });
    });

    it("changes no count when every vote of the batch is rejected", async () => {
      const before = { tally: await tally(single), voters: await fx.box.votersCount(single.id) };
      const wrongKey = await fx.signedVote({ ...single, issuer: testIssuer(1) }, "0x00");
      const { accepted, events } = await castVotes([wrongKey, { ...wrongKey, payload: "0x" }]);
      expect(accepted).to.equal(0n);
      expect(events.map((e) => e.name)).to.deep.equal(["VoteRejected", "VoteRejected"]);
      expect({ tally: await tally(single), voters: await fx.box.votersCount(single.id) }).to.deep.equal(before);
    });

    it("reverts on an empty batch", async () => {
      await expectRevert(fx.iface, (fx.box as Contract).castVotes.staticCall([]), "BallotBoxEmptyBatch", []);
    });
  });
}
