// The trustees' key ceremony (protocol/sealed/key-ceremony.ts, trustee.ts, share-envelope.ts):
// five trustees, each with only its own secrets and the public messages, agree on one
// election key that none of them holds; any 3 open a tally of ballots sealed under it;
// a cheating trustee is named; the transcript is checked and hashed by anyone.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Wallet, getBytes, hexlify } from "ethers";
import { BallotKind, type BallotRules } from "../../../protocol/ballot.js";
import { electionKeyHash, sealedContext } from "../../../protocol/sealed/ballot-context.js";
import { makeDecryptionShare } from "../../../protocol/sealed/decryption-share.js";
import { addCiphertexts } from "../../../protocol/sealed/elgamal.js";
import { G, decodePoint, encodePoint, mod, randomScalar } from "../../../protocol/sealed/group.js";
import { CeremonyError, ceremonyDigest, checkCeremonyParams, electionKeyOf, verificationKeysOf, type CeremonyParams, type Round1Package } from "../../../protocol/sealed/key-ceremony.js";
import { sealBallot, verifySealedBallot } from "../../../protocol/sealed/sealed-ballot.js";
import { openShare, sealShare } from "../../../protocol/sealed/share-envelope.js";
import { lagrangeAtZero, openTally } from "../../../protocol/sealed/threshold-decryption.js";
import { beginCeremony, dealShares, finishCeremony, type ShareMessage, type TrusteeKey } from "../../../protocol/sealed/trustee.js";

const params = (): CeremonyParams => ({ ceremonyId: hexlify(randomBytes(32)), threshold: 3, trustees: Array.from({ length: 5 }, () => Wallet.createRandom().address) });

const decodeKey = (hex: string) => decodePoint(getBytes(hex), "encryptionKey");

/** Runs the ceremony; `tamper` may change the share messages in transit. */
async function run(p: CeremonyParams, tamper: (m: ShareMessage[], round1: Round1Package[]) => Promise<ShareMessage[]> = async (m) => m) {
  const started = p.trustees.map((_, i) => beginCeremony(p, i + 1));
  const round1 = started.map((s) => s.round1);
  const messages = await tamper((await Promise.all(started.map((s) => dealShares(s.state, round1)))).flat(), round1);
  const keys = await Promise.all(started.map((s) => finishCeremony(s.state, round1, messages.filter((m) => m.to === s.state.index)).then((k) => k, (e: unknown) => e)));
  return { round1, messages, keys, started };
}

const outcome = (e: unknown) => (e instanceof CeremonyError ? `trustee ${e.trustee}: ${e.message}` : e);

describe("sealed ballots: the trustees' key ceremony (3 of 5)", function () {
  this.timeout(120_000);

  it("gives every trustee the same election key and transcript digest, no one the secret, and any 3 open a tally", async () => {
    const p = params();
    const { round1, keys } = await run(p);
    const ok = keys as TrusteeKey[];
    const transcript = { params: p, round1 };
    const Y = electionKeyOf(transcript);
    for (const k of ok) {
      expect(k.electionKey.equals(Y)).to.equal(true);
      expect(k.ceremonyDigest).to.equal(ceremonyDigest(transcript));
      expect(G.multiply(k.keyShare).equals(verificationKeysOf(transcript)[k.index - 1])).to.equal(true);
    }
    // The secret exists only as an interpolation of t shares.
    const lambdas = lagrangeAtZero([1n, 4n, 5n]);
    expect(G.multiply(mod(lambdas[0] * ok[0].keyShare + lambdas[1] * ok[3].keyShare + lambdas[2] * ok[4].keyShare)).equals(Y)).to.equal(true);

    const rules: BallotRules = { kind: BallotKind.MultipleChoice, optionCount: 3, minChoices: 1, maxChoices: 2 };
    const context = sealedContext({ chainId: 1n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 1n, electionKeyHash: electionKeyHash(encodePoint(Y), ceremonyDigest(transcript)), rules, voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
    const choices = [[0], [0, 2], [1, 2], [2], [0, 1]];
    const cells = choices.map((options) => verifySealedBallot({ context, electionKey: Y, rules, payload: sealBallot({ context, electionKey: Y, rules, choice: { kind: BallotKind.MultipleChoice, options } }).payload }).cells);
    const aggregates = cells[0].map((_, k) => addCiphertexts(cells.map((c) => c[k])));
    const tallyDigest = randomBytes(32);
    const shares = [ok[1], ok[2], ok[4]].map((k) => ({
      identifier: BigInt(k.index), verificationKey: k.verificationKey,
      share: makeDecryptionShare({ tallyDigest, verificationKey: k.verificationKey, aggregates: aggregates.map((a) => a.A) }, k.keyShare),
    }));
    expect(openTally({ rules, tallyDigest, aggregates, ballots: choices.length, threshold: 3, shares })).to.deep.include({ status: "opened", counts: [3, 2, 3] });
  });

  it("names a trustee who sends a share that does not match its commitments", async () => {
    const p = params();
    const { keys } = await run(p, async (messages, round1) => {
      const to4 = round1[3];
      return Promise.all(messages.map(async (m) => (m.from === 2 && m.to === 4
        ? { ...m, envelope: hexlify(await sealShare({ ceremonyId: p.ceremonyId, from: 2, to: 4 }, decodeKey(to4.encryptionKey), randomScalar())) }
        : m)));
    });
    expect(outcome(keys[3])).to.equal("trustee 2: trustee 2's share for trustee 4 does not match its commitments");
    expect(keys.filter((k) => k instanceof CeremonyError)).to.have.length(1);
  });

  it("names a trustee whose envelope does not open: moved to another recipient, or altered", async () => {
    const p = params();
    const moved = await run(p, async (messages) => messages.map((m) => (m.from === 1 && m.to === 3 ? { ...m, envelope: messages.find((o) => o.from === 1 && o.to === 2)!.envelope } : m)));
    expect(outcome(moved.keys[2])).to.equal("trustee 1: trustee 1's share for trustee 3 does not open");
    const altered = await run(params(), async (messages) => messages.map((m) => (m.from === 5 && m.to === 1 ? { ...m, envelope: m.envelope.slice(0, -2) + (m.envelope.endsWith("00") ? "01" : "00") } : m)));
    expect(outcome(altered.keys[0])).to.equal("trustee 5: trustee 5's share for trustee 1 does not open");
    const missing = await run(params(), async (messages) => messages.filter((m) => !(m.from === 3 && m.to === 5)));
    expect(outcome(missing.keys[4])).to.equal("trustee 3: trustee 3 sent 0 shares to trustee 5, not one");
  });

  it("refuses a round-1 package whose key is not backed by its proof of knowledge (a rogue key)", async () => {
    const p = params();
    const started = p.trustees.map((_, i) => beginCeremony(p, i + 1));
    const round1 = started.map((s) => s.round1);
    // Trustee 5 replaces its constant term, e.g. to cancel the others' and choose the key alone.
    const rogue: Round1Package = { ...round1[4], commitment: [hexlify(encodePoint(G.multiply(randomScalar()))), ...round1[4].commitment.slice(1)] };
    const error = await dealShares(started[0].state, [...round1.slice(0, 4), rogue]).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CeremonyError);
    expect((error as Error).message).to.match(/^the round-1 transcript does not check/);
  });

  it("checks the transcript's shape, naming what is wrong", () => {
    const p = params();
    const round1 = p.trustees.map((_, i) => beginCeremony(p, i + 1).round1);
    const fails = (change: (t: { params: CeremonyParams; round1: Round1Package[] }) => void) => {
      const t = structuredClone({ params: p, round1 });
      change(t);
      try {
        electionKeyOf(t);
        return "accepted";
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(fails(() => {})).to.equal("accepted");
    expect(fails((t) => t.round1.pop())).to.equal("the transcript holds 4 round-1 packages for 5 trustees");
    expect(fails((t) => ([t.round1[0], t.round1[1]] = [t.round1[1], t.round1[0]]))).to.equal("round-1 package 0 is trustee 2's, not trustee 1's");
    expect(fails((t) => t.round1[2].commitment.pop())).to.equal("trustee 3 committed to 2 coefficients, not 3");
    expect(fails((t) => (t.round1[1].commitment[1] = "0x02" + "ff".repeat(32)))).to.match(/^trustee 2's round-1 package holds an invalid point/);
    expect(fails((t) => (t.params.threshold = 6))).to.equal("threshold 6 of 5 trustees: need 1 <= threshold <= trustees <= 16");
    expect(fails((t) => (t.params.trustees[4] = t.params.trustees[0].toLowerCase()))).to.equal("a trustee is named twice");
    expect(() => checkCeremonyParams({ ...p, ceremonyId: "0x1234" })).to.throw("ceremonyId must be 32 bytes, 0x hex");
  });

  // (The threshold is hashed too, and also fixed by the number of commitments: another one fails the shape check above.)
  it("hashes every part of the transcript into its digest", () => {
    const p = params();
    const round1 = p.trustees.map((_, i) => beginCeremony(p, i + 1).round1);
    const digest = ceremonyDigest({ params: p, round1 });
    const other = (change: (t: { params: CeremonyParams; round1: Round1Package[] }) => void) => {
      const t = structuredClone({ params: p, round1 });
      change(t);
      return ceremonyDigest(t);
    };
    expect(other(() => {})).to.equal(digest);
    for (const change of [
      (t: { params: CeremonyParams }) => (t.params.ceremonyId = hexlify(randomBytes(32))),
      (t: { params: CeremonyParams }) => (t.params.trustees[2] = Wallet.createRandom().address),
      (t: { round1: Round1Package[] }) => (t.round1[1].commitment[2] = t.round1[0].commitment[2]),
      (t: { round1: Round1Package[] }) => (t.round1[3].proofOfKnowledge = t.round1[4].proofOfKnowledge),
      (t: { round1: Round1Package[] }) => (t.round1[0].encryptionKey = t.round1[1].encryptionKey),
    ]) expect(other(change as (t: { params: CeremonyParams; round1: Round1Package[] }) => void)).not.to.equal(digest);
  });

  it("opens a share envelope only for its recipient, ceremony and pair", async () => {
    const secret = randomScalar();
    const key = G.multiply(secret);
    const address = { ceremonyId: hexlify(randomBytes(32)), from: 1, to: 2 };
    const envelope = await sealShare(address, key, 12345n);
    expect(await openShare(address, secret, envelope)).to.equal(12345n);
    expect(await openShare(address, randomScalar(), envelope)).to.equal(undefined);
    expect(await openShare({ ...address, ceremonyId: hexlify(randomBytes(32)) }, secret, envelope)).to.equal(undefined);
    expect(await openShare({ ...address, from: 3 }, secret, envelope)).to.equal(undefined);
    expect(await openShare(address, secret, envelope.subarray(1))).to.equal(undefined);
  });
});
