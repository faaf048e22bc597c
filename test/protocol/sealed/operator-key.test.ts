// The operator's key (protocol/sealed/operator-key.ts, Belenios' rule): a ceremony that
// names an operator adds its key O to the trustees' key; a tally then opens only with t
// trustees' shares and the operator's; a key the operator could not prove (a rogue key
// chosen to cancel the trustees'), a package for another ceremony or account, or a bad
// operator share are refused by name.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Wallet, hexlify } from "ethers";
import { BallotKind, type BallotRules } from "../../../protocol/ballot.js";
import { electionKeyHash, sealedContext } from "../../../protocol/sealed/ballot-context.js";
import { makeDecryptionShare } from "../../../protocol/sealed/decryption-share.js";
import { addCiphertexts } from "../../../protocol/sealed/elgamal.js";
import { G, encodePoint, encodeScalar, randomScalar } from "../../../protocol/sealed/group.js";
import { CeremonyError, ceremonyDigest, electionKeyOf, trusteesKeyOf, type CeremonyParams, type CeremonyTranscript } from "../../../protocol/sealed/key-ceremony.js";
import { makeOperatorKey, operatorKeyMessage } from "../../../protocol/sealed/operator-key.js";
import { parseCeremonyTranscript } from "../../../protocol/sealed/ceremony-transcript.js";
import { sealBallot, verifySealedBallot } from "../../../protocol/sealed/sealed-ballot.js";
import { openTally, type TrusteeShare } from "../../../protocol/sealed/threshold-decryption.js";
import { beginCeremony, dealShares, finishCeremony, type TrusteeKey } from "../../../protocol/sealed/trustee.js";
import { schnorr } from "@noble/curves/secp256k1.js";

const params = (): CeremonyParams => ({
  ceremonyId: hexlify(randomBytes(32)), threshold: 2,
  trustees: Array.from({ length: 3 }, () => Wallet.createRandom().address), operator: Wallet.createRandom().address,
});

async function ceremony(p: CeremonyParams) {
  const { operatorPackage, secret } = makeOperatorKey(p);
  const started = p.trustees.map((_, i) => beginCeremony(p, i + 1));
  const round1 = started.map((s) => s.round1);
  const messages = (await Promise.all(started.map((s) => dealShares(s.state, round1)))).flat();
  const keys = await Promise.all(started.map((s) => finishCeremony(s.state, round1, messages.filter((m) => m.to === s.state.index), operatorPackage)));
  const transcript: CeremonyTranscript = { params: p, round1, operator: operatorPackage };
  return { transcript, keys, operatorSecret: secret, started, messages };
}

const message = (f: () => unknown) => {
  try {
    f();
    return "accepted";
  } catch (error) {
    expect(error).to.be.instanceOf(CeremonyError);
    return (error as Error).message;
  }
};

describe("sealed ballots: the operator's key (Belenios' rule)", function () {
  this.timeout(120_000);

  it("adds the operator's key to the trustees': t trustees alone open nothing, with the operator's share the counts", async () => {
    const p = params();
    const { transcript, keys, operatorSecret } = await ceremony(p);
    const O = G.multiply(operatorSecret);
    const Y = electionKeyOf(transcript);
    expect(Y.equals(trusteesKeyOf(transcript).add(O))).to.equal(true);
    for (const k of keys) {
      expect(k.electionKey.equals(Y)).to.equal(true);
      expect(k.ceremonyDigest).to.equal(ceremonyDigest(transcript));
    }
    // The operator's package is part of what the trustees accept.
    expect(ceremonyDigest(transcript)).to.not.equal(ceremonyDigest({ ...transcript, operator: makeOperatorKey(p).operatorPackage }));

    const rules: BallotRules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
    const context = sealedContext({ chainId: 1n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 1n, electionKeyHash: electionKeyHash(encodePoint(Y), ceremonyDigest(transcript)), rules, voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
    const choices = [0, 2, 2, 1, 2];
    const cells = choices.map((option) => verifySealedBallot({ context, electionKey: Y, rules, payload: sealBallot({ context, electionKey: Y, rules, choice: { kind: BallotKind.SingleChoice, option } }).payload }).cells);
    const aggregates = cells[0].map((_, k) => addCiphertexts(cells.map((c) => c[k])));
    const tallyDigest = randomBytes(32);
    const statement = (verificationKey: typeof G) => ({ tallyDigest, verificationKey, aggregates: aggregates.map((a) => a.A) });
    const trusteeShare = (k: TrusteeKey): TrusteeShare => ({ identifier: BigInt(k.index), verificationKey: k.verificationKey, share: makeDecryptionShare(statement(k.verificationKey), k.keyShare) });
    const all = keys.map(trusteeShare);
    const operatorShare = makeDecryptionShare(statement(O), operatorSecret);
    const open = (shares: TrusteeShare[], share?: typeof operatorShare) => openTally({ rules, tallyDigest, aggregates, ballots: choices.length, threshold: 2, shares, operator: { verificationKey: O, ...(share ? { share } : {}) } });

    // Every trustee, without the operator: nothing.
    expect(open(all)).to.deep.include({ status: "not enough shares", valid: 3, threshold: 2, operator: "missing" });
    // The operator with t − 1 trustees: nothing.
    expect(open(all.slice(0, 1), operatorShare)).to.deep.include({ status: "not enough shares", valid: 1, operator: "valid" });
    // A share made with another key, or for another tally, is "invalid" and opens nothing.
    expect(open(all, makeDecryptionShare(statement(O), randomScalar()))).to.deep.include({ status: "not enough shares", operator: "invalid" });
    expect(open(all, makeDecryptionShare({ ...statement(O), tallyDigest: randomBytes(32) }, operatorSecret))).to.deep.include({ status: "not enough shares", operator: "invalid" });
    // t trustees and the operator: the counts.
    expect(open([all[2], all[0]], operatorShare)).to.deep.include({ status: "opened", counts: [1, 1, 3], operator: "valid" });
    // Without the operator's part, the trustees' key alone does not decrypt these ballots: the
    // same shares with the operator's left out give no small count.
    expect(() => openTally({ rules, tallyDigest, aggregates, ballots: choices.length, threshold: 2, shares: all })).to.throw(/does not open to a count/);
  });

  it("refuses an operator key without its proof of knowledge: a rogue key, another ceremony's or account's proof", async () => {
    const p = params();
    const { transcript, started, messages } = await ceremony(p);
    // A rogue key: O' = x'·G − Σ C_{i,0}, so that Y = x'·G would be the operator's alone. Its
    // logarithm is unknown to the operator, so its signature is made with x' and fails.
    const chosen = randomScalar();
    const rogueKey = encodePoint(G.multiply(chosen).subtract(trusteesKeyOf(transcript)));
    const rogue = { key: hexlify(rogueKey), proofOfKnowledge: hexlify(schnorr.sign(operatorKeyMessage(p, rogueKey), encodeScalar(chosen))) };
    expect(message(() => electionKeyOf({ ...transcript, operator: rogue }))).to.equal("the operator's proof of knowledge of its key does not verify for this ceremony and account");
    // The trustees do not accept it either.
    const refused = await finishCeremony(started[0].state, transcript.round1, messages.filter((m) => m.to === 1), rogue).then(() => "accepted", (e: Error) => e.message);
    expect(refused).to.equal("the operator's proof of knowledge of its key does not verify for this ceremony and account");
    // A genuine package, moved to another ceremony or to another operator account.
    const other = makeOperatorKey({ ...p, ceremonyId: hexlify(randomBytes(32)) }).operatorPackage;
    expect(message(() => electionKeyOf({ ...transcript, operator: other }))).to.match(/proof of knowledge .* does not verify/);
    expect(message(() => electionKeyOf({ ...transcript, params: { ...p, operator: Wallet.createRandom().address } }))).to.match(/proof of knowledge .* does not verify/);
    expect(message(() => electionKeyOf({ ...transcript, operator: { ...transcript.operator!, proofOfKnowledge: "0x1234" } }))).to.match(/proof of knowledge .* does not verify/);
    expect(message(() => electionKeyOf({ ...transcript, operator: { ...transcript.operator!, key: "0x02" + "ff".repeat(32) } }))).to.match(/^the operator's package holds an invalid key/);
  });

  it("checks that the package is there exactly when the parameters name an operator, who is not a trustee", async () => {
    const p = params();
    const { transcript } = await ceremony(p);
    expect(message(() => electionKeyOf({ params: p, round1: transcript.round1 }))).to.equal(`the parameters name operator ${p.operator} but the transcript holds no operator's package`);
    const { operator: _, ...withoutOperator } = p;
    expect(message(() => electionKeyOf({ params: withoutOperator, round1: transcript.round1, operator: transcript.operator }))).to.equal("the transcript holds an operator's package but its parameters name no operator");
    expect(message(() => electionKeyOf({ ...transcript, params: { ...p, operator: p.trustees[2] } }))).to.equal("the operator cannot be one of the trustees: its share must be one more");
  });

  it("reads the operator's package from a transcript file and refuses one that does not prove its key", async () => {
    const p = params();
    const { transcript } = await ceremony(p);
    const json = JSON.parse(JSON.stringify(transcript));
    expect(ceremonyDigest(parseCeremonyTranscript(json))).to.equal(ceremonyDigest(transcript));
    const forged = structuredClone(json);
    forged.operator.key = hexlify(encodePoint(G.multiply(randomScalar())));
    expect(message(() => parseCeremonyTranscript(forged))).to.match(/proof of knowledge .* does not verify/);
    expect(() => parseCeremonyTranscript({ ...json, operator: "0x12" })).to.throw("transcript.operator must be the operator's package");
    expect(() => parseCeremonyTranscript({ ...json, params: { ...json.params, operator: 7 } })).to.throw("transcript.params.operator must be an address");
  });
});
