// BallotBox.createBallot (PROTOCOL.md §2, §6.1).
import { expect } from "chai";
import { ZeroHash, type Contract } from "ethers";
import type { BallotParams } from "../../../protocol/index.js";
import { testBackends } from "../../helpers/backends.js";
import { useBallotBoxFixture, testIssuer, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { expectRevert } from "../../helpers/contract-errors.js";

const modulusWith = (edit: (bytes: Buffer) => Buffer) => "0x" + edit(Buffer.from(testIssuer(0).modulus.slice(2), "hex")).toString("hex");

for (const backend of testBackends()) {
  describe(`BallotBox.createBallot (${backend.name})`, function () {
    this.timeout(120_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    before(() => ({ fx } = setup));

    const asOrganizer = () => fx.box.connect(fx.organizer) as Contract;
    const rejects = async (overrides: Partial<BallotParams>, name: string, args: unknown[]) =>
      expectRevert(fx.iface, asOrganizer().createBallot.staticCall(await fx.ballotParams(overrides)), name, args);

    describe("creates", () => {
      it("a single-choice ballot with sequential ids from 1, stored as given", async () => {
        const before = (await fx.box.ballotCount()) as bigint;
        const ballot = await fx.createBallot();
        expect(ballot.id).to.equal(before + 1n);
        expect(await fx.box.ballotCount()).to.equal(ballot.id);
        const info = await fx.box.ballot(ballot.id);
        expect(info.kind).to.equal(0n);
        expect(info.optionCount).to.equal(3n);
        expect(info.opensAt).to.equal(ballot.params.opensAt);
        expect(info.closesAt).to.equal(ballot.params.closesAt);
        expect(info.allowRevote).to.equal(false);
        expect(info.liveResults).to.equal(true);
        expect(info.organizer).to.equal(fx.organizer.address);
        expect(info.closedAt).to.equal(0n);
        expect(info.tokensIssued).to.equal(0n);
        expect(info.votersCount).to.equal(0n);
        expect(info.issuerModulus).to.equal(ballot.issuer.modulus);
        expect(await fx.box.tally(ballot.id)).to.deep.equal([0n, 0n, 0n]);
      });

      it("a multiple-choice ballot (choose 2 to 3 of 6)", async () => {
        const options = ["A", "B", "C", "D", "E", "F"];
        const ballot = await fx.createBallot({ kind: 1, minChoices: 2, maxChoices: 3, options, allowRevote: true });
        const info = await fx.box.ballot(ballot.id);
        expect([info.kind, info.minChoices, info.maxChoices, info.optionCount]).to.deep.equal([1n, 2n, 3n, 6n]);
        expect(info.allowRevote).to.equal(true);
        expect(await fx.box.tally(ballot.id)).to.have.length(6);
      });

      it("a majority-judgment ballot with counts per candidate and grade", async () => {
        const ballot = await fx.createBallot({ kind: 2, options: ["Alice", "Bob", "Chloé", "David", "Émile"] });
        const info = await fx.box.ballot(ballot.id);
        expect([info.kind, info.optionCount]).to.deep.equal([2n, 5n]);
        expect(await fx.box.tally(ballot.id)).to.have.length(5 * Number(await fx.box.MJ_GRADE_COUNT()));
      });

      it("a ballot with MAX_OPTIONS options", async () => {
        const max = Number(await fx.box.MAX_OPTIONS());
        const ballot = await fx.createBallot({ kind: 2, options: Array.from({ length: max }, (_, i) => `candidat ${i}`) });
        expect((await fx.box.ballot(ballot.id)).optionCount).to.equal(BigInt(max));
        expect(await fx.box.tally(ballot.id)).to.have.length(max * 6);
      });

      it("emits BallotCreated with every parameter: question, options and issuer modulus included", async () => {
        const options = ["Marie", "Jean", "Zoë"];
        const ballot = await fx.createBallot({ kind: 1, minChoices: 1, maxChoices: 2, options, question: "Qui ? — « élu·e »", liveResults: false, allowRevote: true }, { issuer: testIssuer(1) });
        const log = ballot.receipt.logs.map((l) => fx.iface.parseLog(l)).find((e) => e?.name === "BallotCreated")!;
        expect(log.args.ballotId).to.equal(ballot.id);
        expect(log.args.organizer).to.equal(fx.organizer.address);
        const p = log.args.params;
        const { params } = ballot;
        expect({
          kind: Number(p.kind), minChoices: Number(p.minChoices), maxChoices: Number(p.maxChoices),
          opensAt: p.opensAt, closesAt: p.closesAt, allowRevote: p.allowRevote, liveResults: p.liveResults,
          issuerModulus: p.issuerModulus, issuerKeyProof: p.issuerKeyProof, question: p.question, options: [...p.options],
        }).to.deep.equal(params);
        expect(p.issuerModulus).to.equal(testIssuer(1).modulus);
        expect(p.issuerKeyProof).to.equal(testIssuer(1).keyProof);
      });

      it("accepts a ballot already closed by time (it will refuse every vote)", async () => {
        const t = await fx.now();
        const ballot = await fx.createBallot({ opensAt: t - 7200n, closesAt: t - 3600n });
        expect((await fx.box.ballot(ballot.id)).closesAt).to.equal(t - 3600n);
      });
    });

    describe("reverts", () => {
      it("if the caller does not have ORGANIZER_ROLE", async () => {
        const params = await fx.ballotParams();
        const role = await fx.box.ORGANIZER_ROLE();
        await expectRevert(fx.iface, (fx.box.connect(fx.outsider) as Contract).createBallot.staticCall(params),
          "AccessControlUnauthorizedAccount", [fx.outsider.address, role]);
      });

      it("for the admin once ORGANIZER_ROLE is revoked, and accepts a newly granted organizer", async () => {
        const role = await fx.box.ORGANIZER_ROLE();
        const admin = fx.box.connect(fx.admin) as Contract;
        expect(await fx.box.hasRole(role, fx.admin.address)).to.equal(true);
        expect(await fx.box.hasRole(ZeroHash, fx.admin.address)).to.equal(true);
        await (await admin.renounceRole(role, fx.admin.address)).wait();
        await expectRevert(fx.iface, admin.createBallot.staticCall(await fx.ballotParams()),
          "AccessControlUnauthorizedAccount", [fx.admin.address, role]);
        await (await admin.grantRole(role, fx.admin.address)).wait();
        const ballot = await fx.createBallot({}, { from: fx.admin });
        expect((await fx.box.ballot(ballot.id)).organizer).to.equal(fx.admin.address);
      });

      it("if the kind is unknown", () => rejects({ kind: 3 }, "BallotBoxInvalidKind", [3n]));

      it("if there are fewer than 2 options", () => rejects({ options: ["Seul"] }, "BallotBoxInvalidOptionCount", [1n, 64n]));

      it("if there are more than MAX_OPTIONS options", () =>
        rejects({ options: Array.from({ length: 65 }, (_, i) => `o${i}`) }, "BallotBoxInvalidOptionCount", [65n, 64n]));

      it("if a single choice has choice bounds", () => rejects({ minChoices: 1, maxChoices: 1 }, "BallotBoxInvalidChoiceBounds", [1n, 1n, 3n]));

      it("if a majority judgment has choice bounds", () => rejects({ kind: 2, maxChoices: 2 }, "BallotBoxInvalidChoiceBounds", [0n, 2n, 3n]));

      it("if a multiple choice has minChoices = 0", () => rejects({ kind: 1, minChoices: 0, maxChoices: 2 }, "BallotBoxInvalidChoiceBounds", [0n, 2n, 3n]));

      it("if a multiple choice has minChoices > maxChoices", () => rejects({ kind: 1, minChoices: 3, maxChoices: 2 }, "BallotBoxInvalidChoiceBounds", [3n, 2n, 3n]));

      it("if a multiple choice has maxChoices > the number of options", () =>
        rejects({ kind: 1, minChoices: 1, maxChoices: 4 }, "BallotBoxInvalidChoiceBounds", [1n, 4n, 3n]));

      it("if it closes before it opens", () => rejects({ opensAt: 2000n, closesAt: 1000n }, "BallotBoxInvalidSchedule", [2000n, 1000n]));

      it("if it closes when it opens", () => rejects({ opensAt: 2000n, closesAt: 2000n }, "BallotBoxInvalidSchedule", [2000n, 2000n]));

      it("if the issuer modulus is not 256 bytes", async () => {
        await rejects({ issuerModulus: modulusWith((b) => b.subarray(1)) }, "BallotBoxInvalidIssuerKey", [255n, "0x" + testIssuer(0).modulus.slice(4, 6), "0x" + testIssuer(0).modulus.slice(-2)]);
        await rejects({ issuerModulus: "0x" }, "BallotBoxInvalidIssuerKey", [0n, "0x00", "0x00"]);
      });

      it("if the issuer modulus has its top bit clear (fewer than 2048 bits)", () =>
        rejects({ issuerModulus: modulusWith((b) => ((b[0] &= 0x7f), b)) }, "BallotBoxInvalidIssuerKey",
          [256n, "0x" + (parseInt(testIssuer(0).modulus.slice(2, 4), 16) & 0x7f).toString(16).padStart(2, "0"), "0x" + testIssuer(0).modulus.slice(-2)]));

      it("if the issuer modulus is even", () =>
        rejects({ issuerModulus: modulusWith((b) => ((b[255] &= 0xfe), b)) }, "BallotBoxInvalidIssuerKey",
          [256n, "0x" + testIssuer(0).modulus.slice(2, 4), "0x" + (parseInt(testIssuer(0).modulus.slice(-2), 16) & 0xfe).toString(16).padStart(2, "0")]));

      it("if the issuer key proof is not for this modulus (every case: createBallot-key-proof.test.ts)", () =>
        rejects({ issuerKeyProof: testIssuer(1).keyProof }, "BallotBoxInvalidIssuerKeyProof", [0n]));

      it("if the question is empty", () => rejects({ question: "" }, "BallotBoxEmptyQuestion", []));

      it("if an option label is empty", () => rejects({ options: ["Pour", "Contre", ""] }, "BallotBoxEmptyOption", [2n]));
    });
  });
}
