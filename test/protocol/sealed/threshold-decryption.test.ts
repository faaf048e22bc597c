// Opening a sealed tally with 3 of 5 trustees (protocol/sealed/decryption-share.ts,
// threshold-decryption.ts, discrete-log.ts). The trustees' keys come from a real
// distributed key generation (the FROST DKG rounds of @noble/curves, secp256k1): no party
// ever holds the election secret. 40 sealed ballots are checked, added up, and opened
// from any 3 valid shares to their counts; 2 shares open nothing; a share with a bad proof,
// made for another tally or with another key is named and left out.
import { randomBytes, randomInt } from "node:crypto";
import { expect } from "chai";
import { secp256k1_FROST } from "@noble/curves/secp256k1.js";
import { BallotKind, type BallotRules } from "../../../protocol/ballot.js";
import { electionKeyHash, sealedContext } from "../../../protocol/sealed/ballot-context.js";
import { makeDecryptionShare, verifyDecryptionShare, encodeDecryptionShare, decodeDecryptionShare } from "../../../protocol/sealed/decryption-share.js";
import { smallDiscreteLog } from "../../../protocol/sealed/discrete-log.js";
import { addCiphertexts } from "../../../protocol/sealed/elgamal.js";
import { G, Point, decodePoint, mod, randomScalar } from "../../../protocol/sealed/group.js";
import { sealBallot, verifySealedBallot } from "../../../protocol/sealed/sealed-ballot.js";
import { lagrangeAtZero, openTally, type TrusteeShare } from "../../../protocol/sealed/threshold-decryption.js";

const FROST = secp256k1_FROST;

/** A 3-of-5 key ceremony run in process, each trustee with its own round state. */
function ceremony() {
  const ids = [1, 2, 3, 4, 5].map((i) => FROST.Identifier.fromNumber(i));
  const signers = { min: 3, max: 5 };
  const r1 = ids.map((id) => FROST.DKG.round1(id, signers));
  const r2 = r1.map((me) => FROST.DKG.round2(me.secret, r1.filter((o) => o !== me).map((o) => o.public)));
  const keys = r1.map((me, i) => FROST.DKG.round3(me.secret, r1.filter((o) => o !== me).map((o) => o.public), r2.filter((_, j) => j !== i).map((m) => m[ids[i]])));
  const electionKey = decodePoint(keys[0].public.commitments[0], "electionKey");
  const trustees = keys.map((k) => ({
    identifier: BigInt("0x" + k.secret.identifier),
    secret: BigInt("0x" + Buffer.from(k.secret.signingShare).toString("hex")),
    verificationKey: decodePoint(k.public.verifyingShares[k.secret.identifier], "verificationKey"),
  }));
  return { electionKey, trustees };
}

describe("sealed ballots: a tally opened by 3 of 5 trustees", function () {
  this.timeout(120_000);
  const { electionKey: Y, trustees } = ceremony();
  const rules: BallotRules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
  const context = sealedContext({ chainId: 1970433637n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 9n, electionKeyHash: electionKeyHash(Y.toBytes(true), "0x" + "33".repeat(32)), rules, voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
  const counts = [0, 0, 0];
  const cells = Array.from({ length: 40 }, () => {
    const option = randomInt(3);
    counts[option]++;
    const { payload } = sealBallot({ context, electionKey: Y, rules, choice: { kind: BallotKind.SingleChoice, option } });
    return verifySealedBallot({ context, electionKey: Y, rules, payload }).cells;
  });
  const aggregates = cells[0].map((_, k) => addCiphertexts(cells.map((c) => c[k])));
  const tallyDigest = randomBytes(32);
  const statement = (t: (typeof trustees)[number], digest = tallyDigest) => ({ tallyDigest: digest, verificationKey: t.verificationKey, aggregates: aggregates.map((a) => a.A) });
  const shareOf = (t: (typeof trustees)[number]): TrusteeShare => ({ identifier: t.identifier, verificationKey: t.verificationKey, share: makeDecryptionShare(statement(t), t.secret) });

  it("comes from a ceremony whose shares interpolate to the election key, which no one held", () => {
    for (const t of trustees) expect(G.multiply(t.secret).equals(t.verificationKey)).to.equal(true);
    const some = [trustees[0], trustees[2], trustees[4]];
    const lambdas = lagrangeAtZero(some.map((t) => t.identifier));
    const x = mod(some.reduce((acc, t, j) => acc + lambdas[j] * t.secret, 0n));
    expect(G.multiply(x).equals(Y)).to.equal(true);
  });

  it("opens to the counts with any 3 valid shares", () => {
    for (const chosen of [[0, 1, 2], [0, 2, 4], [4, 3, 1]]) {
      const opened = openTally({ rules, tallyDigest, aggregates, ballots: cells.length, threshold: 3, shares: chosen.map((i) => shareOf(trustees[i])) });
      expect(opened).to.deep.include({ status: "opened", counts, refused: [] });
    }
  });

  it("opens nothing with 2 shares: no partial number", () => {
    const opened = openTally({ rules, tallyDigest, aggregates, ballots: cells.length, threshold: 3, shares: [shareOf(trustees[0]), shareOf(trustees[1])] });
    expect(opened).to.deep.equal({ status: "not enough shares", valid: 2, threshold: 3, operator: "none", refused: [] });
  });

  it("names and leaves out a share with a bad proof, one for another tally, one made with another key, and a second share of one trustee", () => {
    const tampered = shareOf(trustees[0]);
    tampered.share = { ...tampered.share, response: mod(tampered.share.response + 1n) };
    const otherTally: TrusteeShare = { ...shareOf(trustees[1]), share: makeDecryptionShare(statement(trustees[1], randomBytes(32)), trustees[1].secret) };
    const wrongKey: TrusteeShare = { identifier: trustees[2].identifier, verificationKey: trustees[2].verificationKey, share: makeDecryptionShare(statement(trustees[2]), randomScalar()) };
    const good = [3, 4].map((i) => shareOf(trustees[i]));
    const opened = openTally({ rules, tallyDigest, aggregates, ballots: cells.length, threshold: 3, shares: [tampered, otherTally, wrongKey, ...good, shareOf(trustees[3])] });
    expect(opened.status).to.equal("not enough shares");
    expect(opened.refused.map((r) => [r.identifier, r.why])).to.deep.equal([
      [trustees[0].identifier, "its proof does not verify for this tally"],
      [trustees[1].identifier, "its proof does not verify for this tally"],
      [trustees[2].identifier, "its proof does not verify for this tally"],
      [trustees[3].identifier, "another share came from the same trustee"],
    ]);
    const withThird = openTally({ rules, tallyDigest, aggregates, ballots: cells.length, threshold: 3, shares: [tampered, ...good, shareOf(trustees[1])] });
    expect(withThird).to.deep.include({ status: "opened", counts });
  });

  it("round-trips a share through its bytes, and refuses a cut one naming the field", () => {
    const share = shareOf(trustees[0]).share;
    const bytes = encodeDecryptionShare(share);
    expect(bytes.length).to.equal(2 * 33 + 64); // 2 cells: option 2 has none (§11.2)
    expect(verifyDecryptionShare(statement(trustees[0]), decodeDecryptionShare(bytes, 2, "share"))).to.equal(true);
    expect(() => decodeDecryptionShare(bytes.subarray(1), 2, "share")).to.throw("share must be 130 bytes for 2 cells, got 129");
  });

  it("finds counts up to a million by baby-step giant-step, and none above the bound", () => {
    for (const m of [0, 1, 999, 654_321, 1_000_000]) expect(smallDiscreteLog(m === 0 ? Point.ZERO : G.multiply(BigInt(m)), 1_000_000)).to.equal(m);
    expect(smallDiscreteLog(G.multiply(1_000_001n), 1_000_000)).to.equal(undefined);
    expect(smallDiscreteLog(G.multiply(12n), 11)).to.equal(undefined);
  });
});
