// Casting sealed ballots (PROTOCOL.md §6.2 check 4, §11.9): real ballots sealed by
// protocol/sealed for this chain, box, ballot and voter, through castVote and castVotes.
// The chain checks a sealed payload's length and version byte only, records its tracker and
// keeps no counts; every other check of §6.2 applies as for any ballot. protocol/vote-check.ts
// (the relay's and the recount's copy of the rules) gives the contract's verdicts, check 4′ included.
import { expect } from "chai";
import { getBytes, keccak256, type Contract, type LogDescription, type TransactionReceipt } from "ethers";
import { BallotKind, toHex, type BallotOnChain, type SignedVote } from "../../../protocol/index.js";
import { checkVoteFast } from "../../../protocol/vote-check.node.js";
import { sealedLayout } from "../../../protocol/sealed/sealed-layout.js";
import { verifySealedBallot } from "../../../protocol/sealed/sealed-ballot.js";
import { electionKeyHash, sealedContext } from "../../../protocol/sealed/ballot-context.js";
import { testBackends } from "../../helpers/backends.js";
import { useBallotBoxFixture, randomVoter, testIssuer, voteArg, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { decodeError, expectRevert, revertOf } from "../../helpers/contract-errors.js";
import { recordedTracker, sealedFixture, type SealedFixture, type SealedTestBallot } from "../../helpers/sealed-ballot-fixture.js";

const single = (option: number) => ({ kind: BallotKind.SingleChoice, option });
const ZERO_TRACKER = "0x" + "00".repeat(24);

for (const backend of testBackends()) {
  describe(`BallotBox.castVote of sealed ballots (${backend.name})`, function () {
    this.timeout(180_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    let sx: SealedFixture;
    let sc: SealedTestBallot; // 3 options, revote
    let mc: SealedTestBallot; // 1 to 3 of 5
    let mj: SealedTestBallot; // 4 candidates, revote
    before(async () => {
      fx = setup.fx;
      sx = sealedFixture(fx);
      sc = await sx.createSealedBallot({ allowRevote: true });
      mc = await sx.createSealedBallot({ kind: 1, minChoices: 1, maxChoices: 3, options: ["A", "B", "C", "D", "E"] });
      mj = await sx.createSealedBallot({ kind: 2, options: ["Alice", "Bob", "Chloé", "David"], allowRevote: true });
    });

    const events = (receipt: TransactionReceipt): LogDescription[] =>
      receipt.logs.map((l) => fx.iface.parseLog(l)).filter((e): e is LogDescription => e !== null);
    const cast = async (vote: SignedVote) => events((await (await fx.box.castVote(voteArg(vote))).wait())!);
    const rejects = (vote: SignedVote, name: string, args: unknown[]) => expectRevert(fx.iface, fx.box.castVote.staticCall(voteArg(vote)), name, args);
    /** A signed vote of a freshly sealed ballot. */
    const sealedVote = async (ballot: SealedTestBallot, choice: Parameters<SealedFixture["seal"]>[2], opts: { voter?: ReturnType<typeof randomVoter>; revision?: number } = {}) => {
      const voter = opts.voter ?? randomVoter();
      const { payload, tracker } = sx.seal(ballot, voter.address, choice);
      return { vote: await fx.signedVote(ballot, payload, { voter, revision: opts.revision }), tracker };
    };
    const lengthOf = (b: SealedTestBallot) => BigInt(sealedLayout(b.rules).bytes);
    /** The ballot as checkVote takes it: the `ballot` view, and `sealing`'s word. */
    const onChain = async (b: SealedTestBallot): Promise<BallotOnChain> => {
      const r = await fx.box.ballot(b.id);
      const [isSealed] = (await fx.box.sealing(b.id)) as [boolean];
      return {
        kind: Number(r.kind), minChoices: Number(r.minChoices), maxChoices: Number(r.maxChoices), optionCount: Number(r.optionCount),
        opensAt: r.opensAt, closesAt: r.closesAt, allowRevote: r.allowRevote, liveResults: r.liveResults, organizer: r.organizer,
        closedAt: r.closedAt, tokensIssued: r.tokensIssued, votersCount: r.votersCount, issuerModulus: r.issuerModulus, isSealed,
      };
    };

    it("counts a sealed single-choice ballot: VoteCast with the payload as sealed, the tracker in the record, no counts", async () => {
      const { vote, tracker } = await sealedVote(sc, single(1));
      expect(getBytes(vote.payload).length).to.equal(421); // 2 cells (option 2 has none) and a sum proof over {0, 1}
      const emitted = await cast(vote);
      expect(emitted.map((e) => e.name)).to.deep.equal(["VoteCast"]);
      expect([...emitted[0].args]).to.deep.equal([vote.ballotId, vote.voter, 0n, vote.payload, vote.tokenSignature, vote.voterSignature]);
      expect(await fx.box.trackerOf(sc.id, vote.voter)).to.equal(recordedTracker(tracker));
      expect(tracker).to.equal(keccak256(vote.payload));
      expect([...(await fx.box.voteOf(sc.id, vote.voter))]).to.deep.equal([true, 0n]);
      expect(await fx.box.votersCount(sc.id)).to.equal(1n);
      await expectRevert(fx.iface, fx.box.tally(sc.id), "BallotBoxSealed", [sc.id]);
      // What an observer does with it: the proofs verify for this chain, box, ballot and voter.
      const context = sealedContext({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: sc.id, electionKeyHash: electionKeyHash(sc.electionKey.toBytes(true), sc.sealed.keyCeremonyDigest), rules: sc.rules, voter: vote.voter });
      expect(verifySealedBallot({ context, electionKey: sc.electionKey, rules: sc.rules, payload: getBytes(emitted[0].args.payload) }).cells).to.have.length(2);
    });

    it("counts sealed multiple-choice and majority-judgment ballots, of their layouts' lengths", async () => {
      const a = await sealedVote(mc, { kind: BallotKind.MultipleChoice, options: [0, 2, 4] });
      const b = await sealedVote(mj, { kind: BallotKind.MajorityJudgment, grades: [5, 0, 3, 2] });
      expect([getBytes(a.vote.payload).length, getBytes(b.vote.payload).length]).to.deep.equal([Number(lengthOf(mc)), Number(lengthOf(mj))]);
      expect(lengthOf(mc)).to.equal(1n + 5n * 162n + 3n * 48n);
      expect(lengthOf(mj)).to.equal(1n + 20n * 162n + 4n * 2n * 48n); // 5 cells and a sum over {0, 1} per candidate
      for (const [ballot, { vote, tracker }] of [[mc, a], [mj, b]] as const) {
        await cast(vote);
        expect(await fx.box.trackerOf(ballot.id, vote.voter)).to.equal(recordedTracker(tracker));
      }
    });

    it("counts a sealed yes-or-no ballot of one cell and no sum proof, and refuses it with a sum proof", async () => {
      const yesNo = await sx.createSealedBallot({ options: ["Pour", "Contre"] });
      expect(lengthOf(yesNo)).to.equal(1n + 162n);
      for (const option of [0, 1]) await cast((await sealedVote(yesNo, single(option))).vote);
      expect(await fx.box.votersCount(yesNo.id)).to.equal(2n);
      const { payload } = sx.seal(yesNo, randomVoter().address, single(0));
      await rejects(await fx.signedVote(yesNo, payload + "00".repeat(96)), "BallotBoxInvalidPayloadLength", [163n + 96n, 163n, 163n]);
    });

    it("replaces the tracker on a revote, the voter counted once", async () => {
      const voter = randomVoter();
      const first = await sealedVote(mj, { kind: BallotKind.MajorityJudgment, grades: [1, 1, 1, 1] }, { voter });
      await cast(first.vote);
      const voters = await fx.box.votersCount(mj.id);
      const second = await sealedVote(mj, { kind: BallotKind.MajorityJudgment, grades: [4, 3, 2, 1] }, { voter, revision: 1 });
      await cast(second.vote);
      expect(second.tracker).to.not.equal(first.tracker);
      expect(await fx.box.trackerOf(mj.id, voter.address)).to.equal(recordedTracker(second.tracker));
      expect([...(await fx.box.voteOf(mj.id, voter.address))]).to.deep.equal([true, 1n]);
      expect(await fx.box.votersCount(mj.id)).to.equal(voters);
      // The same choice sealed again is another ballot with another tracker (fresh randomness).
      const third = await sealedVote(mj, { kind: BallotKind.MajorityJudgment, grades: [4, 3, 2, 1] }, { voter, revision: 2 });
      expect(third.tracker).to.not.equal(second.tracker);
      await rejects(second.vote, "BallotBoxStaleRevision", [mj.id, voter.address, 1n, 1n]);
    });

    describe("reverts", () => {
      it("a payload one byte short or long, naming the exact length of the layout", async () => {
        const { payload } = sx.seal(sc, randomVoter().address, single(0));
        const expected = lengthOf(sc);
        await rejects(await fx.signedVote(sc, payload.slice(0, -2)), "BallotBoxInvalidPayloadLength", [expected - 1n, expected, expected]);
        await rejects(await fx.signedVote(sc, payload + "00"), "BallotBoxInvalidPayloadLength", [expected + 1n, expected, expected]);
        await rejects(await fx.signedVote(sc, "0x"), "BallotBoxInvalidPayloadLength", [0n, expected, expected]);
      });

      it("a v1 payload on a sealed ballot, and a sealed payload on a v1 ballot", async () => {
        await rejects(await fx.signedVote(sc, "0x01"), "BallotBoxInvalidPayloadLength", [1n, lengthOf(sc), lengthOf(sc)]);
        const plain = await fx.createBallot();
        const { payload } = sx.seal(sc, randomVoter().address, single(0));
        await rejects(await fx.signedVote(plain, payload), "BallotBoxInvalidPayloadLength", [421n, 1n, 1n]);
      });

      it("a payload of another kind's layout (a multiple-choice ballot's for a majority judgment)", async () => {
        const { payload } = sx.seal(mc, randomVoter().address, { kind: BallotKind.MultipleChoice, options: [1] });
        await rejects(await fx.signedVote(mj, payload), "BallotBoxInvalidPayloadLength", [lengthOf(mc), lengthOf(mj), lengthOf(mj)]);
      });

      it("a payload whose version byte is not 0x02", async () => {
        const { payload } = sx.seal(sc, randomVoter().address, single(2));
        for (const version of ["00", "01", "03", "ff"]) {
          await rejects(await fx.signedVote(sc, "0x" + version + payload.slice(4)), "BallotBoxInvalidPayloadByte", [0n, BigInt(parseInt(version, 16))]);
        }
      });

      it("a sealed vote failing any other check, as for any ballot: token, signature, schedule, revote", async () => {
        const { vote } = await sealedVote(sc, single(0));
        await rejects({ ...vote, tokenSignature: toHex(fx.issueToken(testIssuer(1), sc.id, vote.voter)) }, "BallotBoxInvalidTokenSignature", [sc.id, vote.voter]);
        const other = randomVoter();
        const byOther = await fx.signedVote(sc, vote.payload, { voter: other });
        await rejects({ ...vote, voterSignature: byOther.voterSignature }, "BallotBoxInvalidVoterSignature", [vote.voter, other.address]);
        const t = await fx.now();
        const closed = await sx.createSealedBallot({ opensAt: t - 7200n, closesAt: t - 1n });
        await rejects((await sealedVote(closed, single(0))).vote, "BallotBoxClosed", [closed.id, t - 1n, 0n]);
        const noRevote = await sx.createSealedBallot();
        const voter = randomVoter();
        await cast((await sealedVote(noRevote, single(0), { voter })).vote);
        await rejects((await sealedVote(noRevote, single(1), { voter, revision: 1 })).vote, "BallotBoxAlreadyVoted", [noRevote.id, voter.address]);
      });
    });

    it("accepts a payload of the right length and version whose proofs do not verify: the proofs are checked off chain", async () => {
      const { payload } = sx.seal(sc, randomVoter().address, single(0)); // sealed for another voter: its context differs
      const voter = randomVoter();
      const vote = await fx.signedVote(sc, payload, { voter });
      await cast(vote);
      expect(await fx.box.trackerOf(sc.id, voter.address)).to.equal(recordedTracker(keccak256(payload)));
      const context = sealedContext({ chainId: fx.chainId, ballotBox: fx.deployment.address, ballotId: sc.id, electionKeyHash: electionKeyHash(sc.electionKey.toBytes(true), sc.sealed.keyCeremonyDigest), rules: sc.rules, voter: voter.address });
      expect(() => verifySealedBallot({ context, electionKey: sc.electionKey, rules: sc.rules, payload: getBytes(payload) })).to.throw(/payload.cellProofs\[0\] does not verify/);
    });

    describe("in a batch (castVotes)", () => {
      it("counts the good ones and rejects the bad ones with VoteRejected carrying castVote's revert data", async () => {
        const good = [
          await sealedVote(sc, single(0)),
          await sealedVote(mj, { kind: BallotKind.MajorityJudgment, grades: [0, 1, 2, 3] }),
          await sealedVote(mc, { kind: BallotKind.MultipleChoice, options: [3] }),
        ];
        const { payload } = sx.seal(sc, randomVoter().address, single(1));
        const bad = [
          await fx.signedVote(sc, payload.slice(0, -2)), // one byte short
          await fx.signedVote(sc, "0x01" + payload.slice(4)), // version 1
          await fx.signedVote(mj, payload), // another layout
        ];
        const reasons = await Promise.all(bad.map(async (v) => (await revertOf(fx.iface, fx.box.castVote.staticCall(voteArg(v)))).data));
        expect(reasons.map((r) => decodeError(fx.iface, r).name)).to.deep.equal(["BallotBoxInvalidPayloadLength", "BallotBoxInvalidPayloadByte", "BallotBoxInvalidPayloadLength"]);
        // checkVote's check 4′ gives the same bytes, and takes the good ones as sealed votes.
        const byId = new Map([[sc.id, await onChain(sc)], [mc.id, await onChain(mc)], [mj.id, await onChain(mj)]]);
        const ctx = { chainId: fx.chainId, ballotBox: fx.deployment.address, now: await fx.now() };
        for (const [i, v] of bad.entries()) {
          const verdict = checkVoteFast(byId.get(v.ballotId), voteArg(v), ctx);
          if (verdict.ok) throw new Error(`checkVote took bad vote ${i}`);
          expect(fx.iface.encodeErrorResult(verdict.error, verdict.args), `bad vote ${i}`).to.equal(reasons[i]);
        }
        for (const { vote } of good) expect(checkVoteFast(byId.get(vote.ballotId), voteArg(vote), ctx)).to.deep.equal({ ok: true, sealed: true });
        // Without the sealing's word, a sealed payload is no v1 payload.
        expect(checkVoteFast({ ...byId.get(sc.id)!, isSealed: undefined }, voteArg(good[0].vote), ctx)).to.include({ ok: false, error: "BallotBoxInvalidPayloadLength" });
        const batch = [good[0].vote, bad[0], good[1].vote, bad[1], bad[2], good[2].vote];
        expect(await fx.box.castVotes.staticCall(batch.map(voteArg))).to.equal(3n);
        const emitted = events((await (await fx.box.castVotes(batch.map(voteArg))).wait())!);
        expect(emitted.map((e) => e.name)).to.deep.equal(["VoteCast", "VoteRejected", "VoteCast", "VoteRejected", "VoteRejected", "VoteCast"]);
        expect(emitted.filter((e) => e.name === "VoteRejected").map((e) => [e.args.ballotId, e.args.voter, e.args.reason]))
          .to.deep.equal(bad.map((v, i) => [v.ballotId, v.voter, reasons[i]]));
        for (const [ballot, { vote, tracker }] of [[sc, good[0]], [mj, good[1]], [mc, good[2]]] as const) {
          expect(await fx.box.trackerOf(ballot.id, vote.voter)).to.equal(recordedTracker(tracker));
        }
        for (const v of bad) expect(await fx.box.trackerOf(v.ballotId, v.voter)).to.equal(ZERO_TRACKER);
      });

      it("applies a revote that follows in the same batch: the later tracker stays", async () => {
        const voter = randomVoter();
        const first = await sealedVote(sc, single(0), { voter });
        const second = await sealedVote(sc, single(2), { voter, revision: 1 });
        expect(await fx.box.castVotes.staticCall([voteArg(first.vote), voteArg(second.vote)])).to.equal(2n);
        await (await fx.box.castVotes([voteArg(first.vote), voteArg(second.vote)])).wait();
        expect(await fx.box.trackerOf(sc.id, voter.address)).to.equal(recordedTracker(second.tracker));
        expect([...(await fx.box.voteOf(sc.id, voter.address))]).to.deep.equal([true, 1n]);
      });
    });

    it("leaves a v1 ballot's counts as before beside sealed votes", async () => {
      const plain = await fx.createBallot({ allowRevote: true });
      const voter = randomVoter();
      await (await fx.box.castVotes([voteArg(await fx.signedVote(plain, "0x02", { voter })), voteArg((await sealedVote(sc, single(1))).vote)])).wait();
      await (await fx.box.castVote(voteArg(await fx.signedVote(plain, "0x00", { voter, revision: 1 })))).wait();
      expect(await fx.box.tally(plain.id)).to.deep.equal([1n, 0n, 0n]);
      await expectRevert(fx.iface, (fx.box as Contract).trackerOf(plain.id, voter.address), "BallotBoxNotSealed", [plain.id]);
    });
  });
}
