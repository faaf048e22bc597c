// BallotBox.castVote counts (PROTOCOL.md §6.2, §6.3): one vote per voter address, revotes
// replacing the earlier choice exactly. Votes are built with the production protocol module;
// the rejections are in castVote-reverts.test.ts.
import { expect } from "chai";
import type { Contract } from "ethers";
import { testBackends } from "../../helpers/backends.js";
import { randomVoter, voteArg, type BallotBoxFixture, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { useCastVoteBallots } from "./cast-vote-ballots.js";


for (const backend of testBackends()) {
  describe(`BallotBox.castVote (${backend.name})`, function () {
    this.timeout(180_000);
    const { ctx, cast, rejects, tally, state } = useCastVoteBallots(backend);
    let fx: BallotBoxFixture, single: TestBallot, singleRevote: TestBallot, multiple: TestBallot, mj: TestBallot;
    before(() => ({ fx, single, singleRevote, multiple, mj } = ctx));

    describe("counts", () => {
      it("a single-choice vote, and emits VoteCast with everything needed to re-verify it", async () => {
        const before = await tally(single);
        const vote = await fx.signedVote(single, "0x02");
        const receipt = await cast(vote);
        const events = receipt.logs.map((l) => fx.iface.parseLog(l)).filter((e) => e !== null);
        expect(events.map((e) => e.name)).to.deep.equal(["VoteCast"]);
        const e = events[0].args;
        expect([e.ballotId, e.voter, e.revision, e.payload, e.tokenSignature, e.voterSignature]).to.deep.equal([
          single.id, vote.voter, 0n, vote.payload, vote.tokenSignature, vote.voterSignature,
        ]);
        expect(await tally(single)).to.deep.equal([before[0], before[1], before[2] + 1]);
        expect([...(await fx.box.voteOf(single.id, vote.voter))]).to.deep.equal([true, 0n]);
      });

      it("one vote per distinct voter address in votersCount", async () => {
        const before = await fx.box.votersCount(single.id);
        for (const option of [0, 0, 1]) await cast(await fx.signedVote(single, Uint8Array.of(option)));
        expect(await fx.box.votersCount(single.id)).to.equal(before + 3n);
        expect((await fx.box.ballot(single.id)).votersCount).to.equal(before + 3n);
      });

      it("a vote submitted by anybody: the signatures, not the sender, authorize it", async () => {
        const vote = await fx.signedVote(single, "0x01");
        await (await (fx.box.connect(fx.outsider) as Contract).castVote(voteArg(vote))).wait();
        expect((await fx.box.voteOf(single.id, vote.voter))[0]).to.equal(true);
      });

      it("a multiple-choice vote on each chosen option", async () => {
        await cast(await fx.signedVote(multiple, Uint8Array.of(0, 3, 5)));
        await cast(await fx.signedVote(multiple, Uint8Array.of(3, 4)));
        expect(await tally(multiple)).to.deep.equal([1, 0, 0, 2, 1, 1]);
      });

      it("a majority-judgment vote as one grade per candidate, at counts[candidate * 6 + grade]", async () => {
        await cast(await fx.signedVote(mj, Uint8Array.of(5, 0, 2, 3, 5)));
        await cast(await fx.signedVote(mj, Uint8Array.of(5, 1, 2, 4, 0)));
        const expected = Array(30).fill(0);
        for (const grades of [[5, 0, 2, 3, 5], [5, 1, 2, 4, 0]]) grades.forEach((g, c) => expected[c * 6 + g]++);
        expect(await tally(mj)).to.deep.equal(expected);
      });
    });

    describe("revoting", () => {
      it("replaces a single-choice vote exactly, without counting a new voter", async () => {
        const voter = randomVoter();
        const before = await state(singleRevote, voter.address);
        await cast(await fx.signedVote(singleRevote, "0x00", { voter }));
        await cast(await fx.signedVote(singleRevote, "0x02", { voter, revision: 1 }));
        const after = await state(singleRevote, voter.address);
        expect(after.tally).to.deep.equal([before.tally[0], before.tally[1], before.tally[2] + 1]);
        expect(after.votersCount).to.equal(before.votersCount + 1n);
        expect(after.voteOf).to.deep.equal([true, 1n]);
      });

      it("replaces a multiple-choice vote exactly, options in common included", async () => {
        const voter = randomVoter();
        const before = await tally(multiple);
        await cast(await fx.signedVote(multiple, Uint8Array.of(0, 1, 2), { voter }));
        await cast(await fx.signedVote(multiple, Uint8Array.of(2, 5), { voter, revision: 7 }));
        const expected = [...before];
        expected[2]++;
        expected[5]++;
        expect(await tally(multiple)).to.deep.equal(expected);
        expect([...(await fx.box.voteOf(multiple.id, voter.address))]).to.deep.equal([true, 7n]);
      });

      it("replaces a majority-judgment vote exactly", async () => {
        const voter = randomVoter();
        const before = await tally(mj);
        await cast(await fx.signedVote(mj, Uint8Array.of(0, 1, 2, 3, 4), { voter }));
        await cast(await fx.signedVote(mj, Uint8Array.of(0, 5, 5, 3, 1), { voter, revision: 1 }));
        const expected = [...before];
        [0, 5, 5, 3, 1].forEach((g, c) => expected[c * 6 + g]++);
        expect(await tally(mj)).to.deep.equal(expected);
      });

      it("with the same choice, keeps the counts and records the new revision", async () => {
        const voter = randomVoter();
        await cast(await fx.signedVote(mj, Uint8Array.of(1, 1, 1, 1, 1), { voter }));
        const before = await state(mj, voter.address);
        await cast(await fx.signedVote(mj, Uint8Array.of(1, 1, 1, 1, 1), { voter, revision: 1 }));
        expect(await state(mj, voter.address)).to.deep.equal({ ...before, voteOf: [true, 1n] });
      });

      it("accepts the largest revision (2^32 - 1)", async () => {
        const voter = randomVoter();
        await cast(await fx.signedVote(singleRevote, "0x01", { voter }));
        await cast(await fx.signedVote(singleRevote, "0x01", { voter, revision: 0xffffffff }));
        expect([...(await fx.box.voteOf(singleRevote.id, voter.address))]).to.deep.equal([true, 0xffffffffn]);
        await rejects(await fx.signedVote(singleRevote, "0x00", { voter, revision: 0xffffffff }),
          "BallotBoxStaleRevision", [singleRevote.id, voter.address, 0xffffffffn, 0xffffffffn]);
      });
    });
  });
}
