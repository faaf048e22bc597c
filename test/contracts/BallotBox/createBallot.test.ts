// BallotBox.createBallot (PROTOCOL.md §2, §6.1).
import { expect } from "chai";
import { ZeroHash, type Contract } from "ethers";
import { bigIntToBytes, checkModulus, issuerKeyFromModulus, toHex, verifyIssuerKeyProof, type BallotParams } from "../../../protocol/index.js";
import { modPow } from "../../../protocol/token/modular.js";
import { testBackends } from "../../helpers/backends.js";
import { useBallotBoxFixture, testIssuer, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { expectRevert, revertData } from "../../helpers/contract-errors.js";
import { unsafeIssuerKey, type UnsafeKind } from "../../helpers/unsafe-issuer-key.js";

const modulusWith = (edit: (bytes: Buffer) => Buffer) => "0x" + edit(Buffer.from(testIssuer(0).modulus.slice(2), "hex")).toString("hex");

/** 2^(n-1) mod n = 1, computed here and not by the contract: the contract must refuse exactly these. */
const fermatProbablePrime = (modulus: string) => {
  const { n } = issuerKeyFromModulus(modulus);
  return modPow(2n, n - 1n, n) === 1n;
};

/**
 * A composite base-2 Fermat pseudoprime of 2048 bits: (2^2063 - 1) / 53639. Every prime factor q of
 * 2^2063 - 1 has ord_q(2) = 2063 and q ≡ 1 (mod 2063), so every divisor n of it has 2063 | n - 1 and
 * 2^(n-1) ≡ 1 (mod n). It has the factor 4127 = 2·2063 + 1 (the off-chain rule refuses it for that).
 */
const FERMAT_PSEUDOPRIME = toHex(bigIntToBytes(((1n << 2063n) - 1n) / 53639n, 256));

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

      for (const kind of ["smallFactor", "square", "cube"] as UnsafeKind[]) {
        it(`a ballot whose modulus only the off-chain rule refuses (${kind}): one Fermat witness is all the contract checks`, async () => {
          const key = unsafeIssuerKey(kind);
          expect(fermatProbablePrime(key.modulus)).to.equal(false);
          expect(checkModulus(key.publicKey.n).ok, "the rule of §2.5").to.equal(false);
          const ballot = await fx.createBallot({}, { issuer: { ...testIssuer(0), publicKey: key.publicKey, modulus: key.modulus, keyProof: key.keyProof } });
          expect((await fx.box.ballot(ballot.id)).issuerModulus).to.equal(key.modulus);
        });
      }

      it("a ballot under every genuine test key: each is shown composite by 2^(n-1) mod n != 1", async () => {
        for (const i of [0, 1, 2]) {
          expect(fermatProbablePrime(testIssuer(i).modulus)).to.equal(false);
          expect(checkModulus(testIssuer(i).publicKey.n)).to.deep.equal({ ok: true, witness: 2n });
          await fx.createBallot({}, { issuer: testIssuer(i) });
        }
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

      it("if the issuer modulus is prime, although its key proof verifies (anyone can compute d = e^-1 mod (n - 1))", async () => {
        const prime = unsafeIssuerKey("prime");
        expect(verifyIssuerKeyProof(prime.publicKey, prime.keyProof), "the key proof alone lets it through").to.equal(true);
        expect(fermatProbablePrime(prime.modulus)).to.equal(true);
        expect(checkModulus(prime.publicKey.n)).to.deep.equal({ ok: false, reason: "probable-prime" });
        await rejects({ issuerModulus: prime.modulus, issuerKeyProof: prime.keyProof }, "BallotBoxIssuerModulusProbablePrime", [2n]);
      });

      it("if the issuer modulus is a composite base-2 Fermat pseudoprime, checked before the key proof", async () => {
        expect(fermatProbablePrime(FERMAT_PSEUDOPRIME)).to.equal(true);
        expect(checkModulus(issuerKeyFromModulus(FERMAT_PSEUDOPRIME).n)).to.deep.equal({ ok: false, reason: "small-factor", factor: 4127n });
        await rejects({ issuerModulus: FERMAT_PSEUDOPRIME }, "BallotBoxIssuerModulusProbablePrime", [2n]);
      });

      it("if the issuer modulus is a product of two large primes that is a base-2 Fermat pseudoprime, with a valid key proof", async () => {
        const key = unsafeIssuerKey("fermatPseudoprime");
        expect(verifyIssuerKeyProof(key.publicKey, key.keyProof)).to.equal(true);
        expect(fermatProbablePrime(key.modulus)).to.equal(true);
        await rejects({ issuerModulus: key.modulus, issuerKeyProof: key.keyProof }, "BallotBoxIssuerModulusProbablePrime", [2n]);
      });

      it("with no data, not an error that blames the modulus, when the Fermat check runs out of gas", async () => {
        const params = await fx.ballotParams();
        const error = await asOrganizer().createBallot.staticCall(params, { gasLimit: 600_000 }).then(() => undefined, (e: unknown) => e);
        expect(error, "the call must fail").to.not.equal(undefined);
        expect([undefined, "0x"]).to.include(revertData(error));
        expect(await asOrganizer().createBallot.staticCall(params, { gasLimit: 2_000_000 })).to.equal((await fx.box.ballotCount()) + 1n);
      });

      it("if the issuer key proof is not for this modulus (every case: createBallot-key-proof.test.ts)", () =>
        rejects({ issuerKeyProof: testIssuer(1).keyProof }, "BallotBoxInvalidIssuerKeyProof", [0n]));

      it("if the question is empty", () => rejects({ question: "" }, "BallotBoxEmptyQuestion", []));

      it("if an option label is empty", () => rejects({ options: ["Pour", "Contre", ""] }, "BallotBoxEmptyOption", [2n]));
    });
  });
}
