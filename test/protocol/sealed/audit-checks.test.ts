// The audit file's checks as the verify page shows them (protocol/sealed/audit-checks.ts):
// the file the widget's sealing makes (seal-vote.ts, `audit()`) passes A1-A4 and names its
// choice in words; each change fails at its own step, and the steps after it are not run.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { hexlify } from "ethers";
import { BallotKind, type BallotRules } from "../../../protocol/ballot.js";
import { auditChecks, choiceWords } from "../../../protocol/sealed/audit-checks.js";
import { parseBallotAudit } from "../../../protocol/sealed/ballot-audit.js";
import { G, encodePoint, randomScalar } from "../../../protocol/sealed/group.js";
import { sealVote } from "../../../protocol/sealed/seal-vote.js";
import { trackerOf } from "../../../protocol/sealed/tracker.js";
import { getBytes } from "ethers";

const rules: BallotRules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
const input = {
  chainId: 1970433637n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 7n, voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  electionKey: hexlify(encodePoint(G.multiply(randomScalar()))), keyCeremonyDigest: "0x" + randomBytes(32).toString("hex"), rules,
  choice: { kind: BallotKind.SingleChoice, option: 2 } as const,
};
const outcomes = (text: string) => auditChecks(text).checks.map((c) => `${c.step} ${c.ok}`);
const edited = (text: string, change: (o: Record<string, unknown>) => void) => {
  const o = JSON.parse(text) as Record<string, unknown>;
  change(o);
  return JSON.stringify(o);
};

describe("sealed ballots: the audit file's checks, step by step", function () {
  this.timeout(30_000);
  const progress: [number, number][] = [];
  const sealed = sealVote(input, (done, total) => progress.push([done, total]));
  const file = sealed.audit();

  it("the widget's sealing reports each proof, and its audit file passes A1-A4 naming the choice", () => {
    expect(progress).to.deep.equal([[1, 3], [2, 3], [3, 3]]); // 2 cells (the third option has none) and the sum rule
    const { checks, audit } = auditChecks(file);
    expect(checks.map((c) => `${c.step} ${c.ok}`)).to.deep.equal(["A1 true", "A2 true", "A3 true", "A4 true"]);
    expect(audit!.payload).to.equal(sealed.payload);
    expect(checks[3].detail.fr).to.equal("il chiffre : réponse n° 3");
    expect(checks[3].detail.en).to.equal("it encrypts: answer no. 3");
  });

  it("a file that is not an audit file fails A1; the rest is not run", () => {
    expect(outcomes("{}")).to.deep.equal(["A1 false", "A2 skipped", "A3 skipped", "A4 skipped"]);
    expect(outcomes(edited(file, (o) => (o.urne = "proof/1")))).to.deep.equal(["A1 false", "A2 skipped", "A3 skipped", "A4 skipped"]);
  });

  it("a tracker that is not the payload's fails A2", () => {
    expect(outcomes(edited(file, (o) => (o.tracker = "0x" + "ab".repeat(32))))).to.deep.equal(["A1 true", "A2 false", "A3 skipped", "A4 skipped"]);
  });

  it("a payload changed (tracker made to match) fails A3; so does the same ballot under another voter", () => {
    const payload = getBytes(sealed.payload);
    payload[40] ^= 1;
    expect(outcomes(edited(file, (o) => {
      o.payload = hexlify(payload);
      o.tracker = trackerOf(payload);
    }))).to.deep.equal(["A1 true", "A2 true", "A3 false", "A4 skipped"]);
    expect(outcomes(edited(file, (o) => (o.voter = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")))).to.deep.equal(["A1 true", "A2 true", "A3 false", "A4 skipped"]);
  });

  it("another choice shown than the one sealed fails A4, naming the cell in words", () => {
    const { checks } = auditChecks(edited(file, (o) => (o.choice = { kind: BallotKind.SingleChoice, option: 0 })));
    expect(checks.map((c) => `${c.step} ${c.ok}`)).to.deep.equal(["A1 true", "A2 true", "A3 true", "A4 false"]);
    expect(checks[3].detail.fr).to.match(/^le bulletin ne chiffre pas le choix affiché : la case 1 ne correspond pas/);
  });

  it("the payload does not hold the randomness the audit file reveals", () => {
    const randomness = parseBallotAudit(file).randomness;
    for (const r of randomness) expect(sealed.payload).to.not.include(r.slice(2));
  });

  it("words for each kind of choice", () => {
    expect(choiceWords({ kind: BallotKind.MultipleChoice, options: [0, 2] }).fr).to.equal("réponses n° 1, 3");
    expect(choiceWords({ kind: BallotKind.MultipleChoice, options: [] }).en).to.equal("no answer");
    expect(choiceWords({ kind: BallotKind.MajorityJudgment, grades: [5, 0] }).fr).to.equal("mentions par candidat, de 0 (la plus basse) à 5 : 5, 0");
  });
});
