// BallotBox.createSealedBallot (PROTOCOL.md §6.1, §11.9): createBallot's checks, then the
// sealed part's; BallotCreated as createBallot emits it, then BallotSealed; the views.
import { expect } from "chai";
import { ZeroAddress, type Contract, type LogDescription } from "ethers";
import { toHex, type BallotParams } from "../../../protocol/index.js";
import { G } from "../../../protocol/sealed/group.js";
import { testBackends } from "../../helpers/backends.js";
import { useBallotBoxFixture, randomVoter, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { expectRevert, revertData } from "../../helpers/contract-errors.js";
import { sealedFixture, type SealedFixture, type SealedParams } from "../../helpers/sealed-ballot-fixture.js";

const candidates = (n: number) => Array.from({ length: n }, (_, i) => `candidat ${i}`);

for (const backend of testBackends()) {
  describe(`BallotBox.createSealedBallot (${backend.name})`, function () {
    this.timeout(120_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    let sx: SealedFixture;
    before(() => {
      fx = setup.fx;
      sx = sealedFixture(fx);
    });

    const asOrganizer = () => fx.box.connect(fx.organizer) as Contract;
    /** createSealedBallot.staticCall with the defaults and these overrides must revert with `name(args)`. */
    const rejects = async (overrides: Partial<BallotParams>, sealed: Partial<SealedParams>, name: string, args: unknown[]) =>
      expectRevert(fx.iface, asOrganizer().createSealedBallot.staticCall(
        await fx.ballotParams({ liveResults: false, ...overrides }), sx.sealedParams(sealed).sealed), name, args);

    describe("creates", () => {
      it("a sealed ballot: BallotCreated exactly as createBallot emits it, then BallotSealed with the sealed part", async () => {
        const before = (await fx.box.ballotCount()) as bigint;
        const ballot = await sx.createSealedBallot({ allowRevote: true });
        expect(ballot.id).to.equal(before + 1n);
        expect(await fx.box.ballotCount()).to.equal(ballot.id);
        const events = ballot.receipt.logs.map((l) => fx.iface.parseLog(l)).filter((e): e is LogDescription => e !== null);
        expect(events.map((e) => e.name)).to.deep.equal(["BallotCreated", "BallotSealed"]);
        // The same BallotCreated log as createBallot's for the same parameters: same topics, same data.
        const plain = await fx.createBallot(ballot.params);
        const [sealedLog, plainLog] = [ballot.receipt.logs[0], plain.receipt.logs[0]];
        expect(sealedLog.topics.slice(0, 1).concat(sealedLog.topics.slice(2))).to.deep.equal(plainLog.topics.slice(0, 1).concat(plainLog.topics.slice(2)));
        expect(BigInt(sealedLog.topics[1])).to.equal(ballot.id);
        expect(sealedLog.data).to.equal(plainLog.data);
        const sealedEvent = events[1];
        expect(sealedEvent.args.ballotId).to.equal(ballot.id);
        expect(sealedEvent.args.electionKey).to.equal(ballot.sealed.electionKey);
        expect(sealedEvent.args.keyCeremonyDigest).to.equal(ballot.sealed.keyCeremonyDigest);
        expect([...sealedEvent.args.trustees]).to.deep.equal(ballot.sealed.trustees);
        expect(sealedEvent.args.threshold).to.equal(2n);
        expect(ballot.sealed.electionKey).to.equal(toHex(ballot.electionKey.toBytes(true)));
      });

      it("with views: sealing gives the threshold and trustee count, ballot() as for any ballot, tally reverts, trackerOf is zero", async () => {
        const ballot = await sx.createSealedBallot({}, { sealed: {} });
        expect([...(await fx.box.sealing(ballot.id))]).to.deep.equal([true, 2n, 3n]);
        const info = await fx.box.ballot(ballot.id);
        expect([info.kind, info.optionCount, info.liveResults, info.organizer, info.votersCount, info.issuerModulus])
          .to.deep.equal([0n, 3n, false, fx.organizer.address, 0n, ballot.issuer.modulus]);
        await expectRevert(fx.iface, fx.box.tally(ballot.id), "BallotBoxSealed", [ballot.id]);
        expect(await fx.box.trackerOf(ballot.id, randomVoter().address)).to.equal("0x" + "00".repeat(24));
        expect([...(await fx.box.voteOf(ballot.id, randomVoter().address))]).to.deep.equal([false, 0n]);
      });

      it("with views that revert for an id no ballot has, as ballot() does", async () => {
        const id = ((await fx.box.ballotCount()) as bigint) + 1n;
        await expectRevert(fx.iface, fx.box.sealing(id), "BallotBoxUnknownBallot", [id]);
        await expectRevert(fx.iface, fx.box.trackerOf(id, randomVoter().address), "BallotBoxUnknownBallot", [id]);
      });

      it("in the same sequence of ids as createBallot, whose ballots are not sealed", async () => {
        const plain = await fx.createBallot();
        const sealed = await sx.createSealedBallot();
        const plainAgain = await fx.createBallot();
        expect([sealed.id - plain.id, plainAgain.id - sealed.id]).to.deep.equal([1n, 1n]);
        for (const b of [plain, plainAgain]) {
          expect([...(await fx.box.sealing(b.id))]).to.deep.equal([false, 0n, 0n]);
          expect(await fx.box.tally(b.id)).to.deep.equal([0n, 0n, 0n]);
          await expectRevert(fx.iface, fx.box.trackerOf(b.id, randomVoter().address), "BallotBoxNotSealed", [b.id]);
        }
      });

      it("of each kind, up to MAX_SEALED_CELLS cells (25 candidates of majority judgment: 125)", async () => {
        expect(await fx.box.MAX_SEALED_CELLS()).to.equal(128n);
        await sx.createSealedBallot({ kind: 1, minChoices: 1, maxChoices: 64, options: candidates(64) });
        await sx.createSealedBallot({ kind: 0, options: candidates(64) });
        const mj = await sx.createSealedBallot({ kind: 2, options: candidates(25) });
        expect((await fx.box.ballot(mj.id)).optionCount).to.equal(25n);
      });

      it("with MAX_TRUSTEES trustees and every one of them needed, or a single trustee", async () => {
        expect(await fx.box.MAX_TRUSTEES()).to.equal(16n);
        const trustees = Array.from({ length: 16 }, () => randomVoter().address);
        const all = await sx.createSealedBallot({}, { sealed: { trustees, threshold: 16 } });
        expect([...(await fx.box.sealing(all.id))]).to.deep.equal([true, 16n, 16n]);
        const one = await sx.createSealedBallot({}, { sealed: { trustees: trustees.slice(0, 1), threshold: 1 } });
        expect([...(await fx.box.sealing(one.id))]).to.deep.equal([true, 1n, 1n]);
      });

      it("with an election key of either prefix (the chain checks its shape, not that it is on the curve)", async () => {
        for (const prefix of ["02", "03"]) {
          const key = "0x" + prefix + toHex(G.multiply(5n).toBytes(true)).slice(4);
          const b = await sx.createSealedBallot({}, { sealed: { electionKey: key } });
          const log = b.receipt.logs.map((l) => fx.iface.parseLog(l)).find((e) => e?.name === "BallotSealed")!;
          expect(log.args.electionKey).to.equal(key);
        }
      });
    });

    describe("reverts", () => {
      it("if the caller does not have ORGANIZER_ROLE", async () => {
        const role = await fx.box.ORGANIZER_ROLE();
        await expectRevert(fx.iface, (fx.box.connect(fx.outsider) as Contract).createSealedBallot.staticCall(
          await fx.ballotParams({ liveResults: false }), sx.sealedParams().sealed), "AccessControlUnauthorizedAccount", [fx.outsider.address, role]);
      });

      it("with createBallot's errors, before the sealed part's", async () => {
        await rejects({ kind: 3, liveResults: true }, { threshold: 0 }, "BallotBoxInvalidKind", [3n]);
        await rejects({ options: ["Seul"] }, {}, "BallotBoxInvalidOptionCount", [1n, 64n]);
        await rejects({ opensAt: 2000n, closesAt: 1000n }, {}, "BallotBoxInvalidSchedule", [2000n, 1000n]);
        await rejects({ question: "" }, { electionKey: "0x" }, "BallotBoxEmptyQuestion", []);
      });

      it("if liveResults is true", () => rejects({ liveResults: true }, {}, "BallotBoxSealedLiveResults", []));

      it("if the payload would have more than MAX_SEALED_CELLS cells (26 candidates of majority judgment: 130)", () =>
        rejects({ kind: 2, options: candidates(26) }, {}, "BallotBoxTooManySealedCells", [130n, 128n]));

      it("if the election key is not 33 bytes", async () => {
        const key = toHex(G.multiply(7n).toBytes(true));
        await rejects({}, { electionKey: key.slice(0, -2) }, "BallotBoxInvalidElectionKey", [32n, "0x" + key.slice(2, 4)]);
        await rejects({}, { electionKey: key + "00" }, "BallotBoxInvalidElectionKey", [34n, "0x" + key.slice(2, 4)]);
        await rejects({}, { electionKey: toHex(G.multiply(7n).toBytes(false)) }, "BallotBoxInvalidElectionKey", [65n, "0x04"]);
        await rejects({}, { electionKey: "0x" }, "BallotBoxInvalidElectionKey", [0n, "0x00"]);
      });

      it("if the election key's first byte is not 0x02 or 0x03", async () => {
        const x = toHex(G.multiply(7n).toBytes(true)).slice(4);
        for (const prefix of ["00", "01", "04", "ff"]) {
          await rejects({}, { electionKey: "0x" + prefix + x }, "BallotBoxInvalidElectionKey", [33n, "0x" + prefix]);
        }
      });

      it("if there is no trustee, or more than MAX_TRUSTEES", async () => {
        await rejects({}, { trustees: [], threshold: 1 }, "BallotBoxInvalidTrusteeCount", [0n, 16n]);
        const seventeen = Array.from({ length: 17 }, () => randomVoter().address);
        await rejects({}, { trustees: seventeen, threshold: 2 }, "BallotBoxInvalidTrusteeCount", [17n, 16n]);
      });

      it("if the threshold is 0 or above the number of trustees", async () => {
        await rejects({}, { threshold: 0 }, "BallotBoxInvalidThreshold", [0n, 3n]);
        await rejects({}, { threshold: 4 }, "BallotBoxInvalidThreshold", [4n, 3n]);
      });

      it("if a trustee is the zero address", async () => {
        const trustees = [randomVoter().address, ZeroAddress, randomVoter().address];
        await rejects({}, { trustees }, "BallotBoxInvalidTrustee", [1n, ZeroAddress]);
      });

      it("if a trustee is named twice, naming the second", async () => {
        const [a, b] = [randomVoter().address, randomVoter().address];
        await rejects({}, { trustees: [a, b, a] }, "BallotBoxInvalidTrustee", [2n, a]);
        await rejects({}, { trustees: [b, b], threshold: 1 }, "BallotBoxInvalidTrustee", [1n, b]);
      });

      it("without data if a trustee's word has bits above its 160 (not an address: the ABI decoder's refusal)", async () => {
        const params = await fx.ballotParams({ liveResults: false });
        const { sealed } = sx.sealedParams();
        const data = fx.iface.encodeFunctionData("createSealedBallot", [params, sealed]);
        const word = "000000000000000000000000" + sealed.trustees[1].slice(2).toLowerCase();
        expect(data.split(word)).to.have.length(2);
        const dirty = data.replace(word, "000000000000000000000001" + sealed.trustees[1].slice(2).toLowerCase());
        const error = await fx.provider.call({ from: fx.organizer.address, to: fx.deployment.address, data: dirty }).then(() => undefined, (e: unknown) => e);
        expect(error, "the call must fail").to.not.equal(undefined);
        expect([undefined, "0x"]).to.include(revertData(error));
        expect(await fx.provider.call({ from: fx.organizer.address, to: fx.deployment.address, data })).to.match(/^0x[0-9a-f]{64}$/);
      });

      it("and creates nothing: the ballot count does not move", async () => {
        const count = await fx.box.ballotCount();
        const tx = asOrganizer().createSealedBallot(await fx.ballotParams({ liveResults: true }), sx.sealedParams().sealed, { gasLimit: 5_000_000 });
        await tx.then((t) => t.wait()).then(() => expect.fail("mined without reverting"), () => undefined);
        expect(await fx.box.ballotCount()).to.equal(count);
      });
    });
  });
}
