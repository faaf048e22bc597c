// BallotBox.createBallot refuses an issuer key without a valid issuer key proof (PROTOCOL.md
// §2.5, §6.1), and agrees with the protocol module's verifyIssuerKeyProof on every input.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { isError, type Contract } from "ethers";
import {
  bigIntToBytes, bytesToBigInt, concatBytes, issuerKeyFromModulus, ISSUER_KEY_PROOF_ROUNDS, KEY_PROOF_DOMAIN, keyProofChallenges, parseHex,
  toHex, verifyIssuerKeyProof,
} from "../../../protocol/index.js";
import { modPow } from "../../../protocol/token/modular.js";
import { PROTOCOL_VECTORS_FILE } from "../../../scripts/make-vectors.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { ballotBoxFixture, testIssuer, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { expectRevert } from "../../helpers/contract-errors.js";
import { weakIssuerKey, type WeakIssuerKey } from "../../helpers/weak-issuer-key.js";

type KeyProofCase = { name: string; expected: "valid" | "invalid"; failedIndex?: number; modulus: string; proof: string };
const keyProofs = (JSON.parse(readFileSync(PROTOCOL_VECTORS_FILE, "utf8")) as { keyProofs: KeyProofCase[] }).keyProofs;

/** The index BallotBoxInvalidIssuerKeyProof must name, computed independently of the contract. */
function failedIndex(modulus: string, proof: string): number | undefined {
  const { n, e } = issuerKeyFromModulus(modulus);
  const bytes = parseHex(proof, "proof");
  if (bytes.length !== 2560) return bytes.length < 2560 ? Math.floor(bytes.length / 256) : ISSUER_KEY_PROOF_ROUNDS;
  const i = keyProofChallenges(modulus).findIndex((rho, i) => {
    const sigma = bytesToBigInt(bytes.subarray(256 * i, 256 * i + 256));
    return sigma >= n || modPow(sigma, e, n) !== rho;
  });
  return i < 0 ? undefined : i;
}

for (const backend of testBackends()) {
  describe(`BallotBox.createBallot, issuer key proof (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: TestChain;
    let fx: BallotBoxFixture;
    let weak: WeakIssuerKey;

    before(async () => {
      chain = await backend.start();
      fx = await ballotBoxFixture(chain);
      weak = weakIssuerKey();
    });
    after(async () => {
      fx?.destroy();
      await chain?.stop();
    });

    const asOrganizer = () => fx.box.connect(fx.organizer) as Contract;
    const createCall = async (issuerModulus: string, issuerKeyProof: string) =>
      asOrganizer().createBallot.staticCall(await fx.ballotParams({ issuerModulus, issuerKeyProof }));

    it("accepts a proved key and emits the proof in BallotCreated, so that observers can re-check it", async () => {
      const ballot = await fx.createBallot({}, { issuer: testIssuer(1) });
      const log = ballot.receipt.logs.map((l) => fx.iface.parseLog(l)).find((e) => e?.name === "BallotCreated")!;
      expect(log.args.params.issuerKeyProof).to.equal(testIssuer(1).keyProof);
      const key = issuerKeyFromModulus(log.args.params.issuerModulus);
      expect(verifyIssuerKeyProof(key, log.args.params.issuerKeyProof)).to.equal(true);
    });

    it("exposes ISSUER_KEY_PROOF_ROUNDS and KEY_PROOF_DOMAIN as the protocol module has them", async () => {
      expect(await fx.box.ISSUER_KEY_PROOF_ROUNDS()).to.equal(BigInt(ISSUER_KEY_PROOF_ROUNDS));
      expect(await fx.box.KEY_PROOF_DOMAIN()).to.equal(KEY_PROOF_DOMAIN);
    });

    describe("agrees with verifyIssuerKeyProof and the test vectors", () => {
      for (const c of keyProofs) {
        it(`${c.expected}: ${c.name}`, async () => {
          const ts = verifyIssuerKeyProof(issuerKeyFromModulus(c.modulus), c.proof);
          expect(ts, "protocol module").to.equal(c.expected === "valid");
          expect(failedIndex(c.modulus, c.proof), "independent check").to.equal(c.failedIndex);
          if (c.expected === "valid") {
            expect(await createCall(c.modulus, c.proof)).to.equal((await fx.box.ballotCount()) + 1n);
          } else {
            await expectRevert(fx.iface, createCall(c.modulus, c.proof), "BallotBoxInvalidIssuerKeyProof", [BigInt(c.failedIndex!)]);
          }
        });
      }
    });

    describe("reverts with BallotBoxInvalidIssuerKeyProof(index), and changes no state", () => {
      it("for a key with 65537 | φ(n) and random roots", async () => {
        const proof = toHex(concatBytes(...Array.from({ length: 10 }, () => bigIntToBytes(bytesToBigInt(crypto.getRandomValues(new Uint8Array(255))), 256))));
        expect(verifyIssuerKeyProof(weak.publicKey, proof)).to.equal(false);
        await expectRevert(fx.iface, createCall(weak.modulus, proof), "BallotBoxInvalidIssuerKeyProof", [BigInt(failedIndex(weak.modulus, proof)!)]);
      });

      it("for a key with 65537 | φ(n) and the best roots its owner can compute (x^d')", async () => {
        const n = weak.publicKey.n;
        const proof = toHex(concatBytes(...keyProofChallenges(weak.modulus).map((rho) => bigIntToBytes(modPow(rho, weak.dPrime, n), 256))));
        expect(verifyIssuerKeyProof(weak.publicKey, proof)).to.equal(false);
        const index = failedIndex(weak.modulus, proof)!;
        expect(index).to.be.a("number");
        await expectRevert(fx.iface, createCall(weak.modulus, proof), "BallotBoxInvalidIssuerKeyProof", [BigInt(index)]);
      });

      it("for a genuine key with the proof of another key, in a mined transaction that records nothing", async () => {
        const count = (await fx.box.ballotCount()) as bigint;
        const params = await fx.ballotParams({ issuerModulus: testIssuer(0).modulus, issuerKeyProof: testIssuer(1).keyProof });
        const tx = await asOrganizer().createBallot(params, { gasLimit: 2_000_000 }); // no estimateGas: mine the failure
        let status: number | null | undefined;
        try {
          status = (await tx.wait())?.status;
        } catch (e) {
          if (!isError(e, "CALL_EXCEPTION")) throw e;
          status = e.receipt?.status;
          expect(e.receipt?.logs ?? []).to.have.length(0);
        }
        expect(status).to.equal(0);
        expect(await fx.box.ballotCount()).to.equal(count);
        await expectRevert(fx.iface, asOrganizer().createBallot.staticCall(params), "BallotBoxInvalidIssuerKeyProof", [0n]);
      });

      it("for a proof with a valid root moved to another index", async () => {
        const proof = testIssuer(0).keyProof;
        const moved = "0x" + proof.slice(2 + 512, 2 + 1024) + proof.slice(2 + 512);
        await expectRevert(fx.iface, createCall(testIssuer(0).modulus, moved), "BallotBoxInvalidIssuerKeyProof", [0n]);
      });
    });
  });
}
