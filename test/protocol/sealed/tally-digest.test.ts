// The tally digest (protocol/sealed/tally-digest.ts): one value for one ballot's counted
// ballots, in order, and their aggregates; any other set, order, ballot or aggregate gives
// another, and a decryption share made for one does not verify for another.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { hexlify } from "ethers";
import { BallotKind, type BallotRules } from "../../../protocol/ballot.js";
import { makeDecryptionShare, verifyDecryptionShare } from "../../../protocol/sealed/decryption-share.js";
import { encrypt, type Ciphertext } from "../../../protocol/sealed/elgamal.js";
import { G, randomScalar } from "../../../protocol/sealed/group.js";
import { TallyDigest, type TallyBallot } from "../../../protocol/sealed/tally-digest.js";

describe("sealed ballots: the tally digest", () => {
  const rules: BallotRules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
  const ballot: TallyBallot = { chainId: 31337n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 4n, electionKeyHash: hexlify(randomBytes(32)), rules };
  const Y = G.multiply(randomScalar());
  const aggregates: Ciphertext[] = [0n, 1n, 2n].map((m) => encrypt(Y, m));
  const trackers = Array.from({ length: 5 }, () => hexlify(randomBytes(32)));
  const digestOf = (b: TallyBallot, list: string[], aggs = aggregates) => {
    const d = new TallyDigest(b);
    for (const t of list) d.add(t);
    return hexlify(d.digest(aggs));
  };

  it("is one value for one ballot, counted ballots in order, and aggregates", () => {
    expect(digestOf(ballot, trackers)).to.equal(digestOf(ballot, [...trackers]));
  });

  it("changes with the order, a ballot more or less, the ballot, its key, and any aggregate", () => {
    const base = digestOf(ballot, trackers);
    const others = [
      digestOf(ballot, [trackers[1], trackers[0], ...trackers.slice(2)]),
      digestOf(ballot, trackers.slice(0, 4)),
      digestOf(ballot, [...trackers, hexlify(randomBytes(32))]),
      digestOf({ ...ballot, ballotId: 5n }, trackers),
      digestOf({ ...ballot, electionKeyHash: hexlify(randomBytes(32)) }, trackers),
      digestOf({ ...ballot, rules: { ...rules, optionCount: 4 } }, trackers),
      digestOf(ballot, trackers, [aggregates[0], aggregates[1], encrypt(Y, 2n)]),
    ];
    for (const d of others) expect(d).not.to.equal(base);
    expect(new Set(others).size).to.equal(others.length);
  });

  it("binds a decryption share to its tally: made for one, it fails for another", () => {
    const secret = randomScalar();
    const statement = (digest: string) => ({ tallyDigest: Uint8Array.from(Buffer.from(digest.slice(2), "hex")), verificationKey: G.multiply(secret), aggregates: aggregates.map((a) => a.A) });
    const share = makeDecryptionShare(statement(digestOf(ballot, trackers)), secret);
    expect(verifyDecryptionShare(statement(digestOf(ballot, trackers)), share)).to.equal(true);
    expect(verifyDecryptionShare(statement(digestOf(ballot, trackers.slice(1))), share)).to.equal(false);
  });
});
