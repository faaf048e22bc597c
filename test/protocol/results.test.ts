// protocol/results.ts: the one computation of a ballot's results from its on-chain counts,
// shared by the API, the results page and the recount (PROTOCOL.md §9.3 R5).
import { expect } from "chai";
import { BallotKind } from "../../protocol/ballot.js";
import { computeResults, type ChoiceResults, type MajorityJudgmentResults } from "../../protocol/results.js";

const OPTIONS = ["Pour", "Contre", "Abstention"];

describe("protocol/results computeResults", () => {
  describe("single choice", () => {
    it("gives each option's votes and share of the ballots, and the leader", () => {
      const r = computeResults({ kind: BallotKind.SingleChoice, options: OPTIONS, counts: [2n, 1n, 0n], votersCount: 3 }) as ChoiceResults;
      expect(r.options).to.deep.equal([
        { index: 0, label: "Pour", votes: 2, percent: 66.67 },
        { index: 1, label: "Contre", votes: 1, percent: 33.33 },
        { index: 2, label: "Abstention", votes: 0, percent: 0 },
      ]);
      expect(r.leaders).to.deep.equal([0]);
    });

    it("names every leader of a tie, and none when nobody voted", () => {
      expect((computeResults({ kind: 0, options: OPTIONS, counts: [1n, 1n, 0n], votersCount: 2 }) as ChoiceResults).leaders).to.deep.equal([0, 1]);
      const empty = computeResults({ kind: 0, options: OPTIONS, counts: [0n, 0n, 0n], votersCount: 0 }) as ChoiceResults;
      expect(empty.leaders).to.deep.equal([]);
      expect(empty.options.map((o) => o.percent)).to.deep.equal([0, 0, 0]);
    });
  });

  it("multiple choice: each option's share of the voters (shares add up to more than 100)", () => {
    const r = computeResults({ kind: BallotKind.MultipleChoice, options: ["Parc", "Piste", "Marché"], counts: [1n, 3n, 1n], votersCount: 3 }) as ChoiceResults;
    expect(r.options.map((o) => [o.votes, o.percent])).to.deep.equal([[1, 33.33], [3, 100], [1, 33.33]]);
    expect(r.leaders).to.deep.equal([1]);
  });

  it("majority judgment: merit profiles, majority grades, the Balinski–Laraki tie-break and the winner", () => {
    // Alice 1 2 2 4, Bob 2 2 3 3: both "Passable" (2); one 2 removed each, Alice 1 2 4 (2) and
    // Bob 2 3 3 (3): Bob wins. Chloé 0 0 1 5: "À rejeter".
    const profile = (grades: number[]) => [0, 1, 2, 3, 4, 5].map((g) => BigInt(grades.filter((x) => x === g).length));
    const counts = [...profile([1, 2, 2, 4]), ...profile([2, 2, 3, 3]), ...profile([0, 0, 1, 5])];
    const r = computeResults({ kind: BallotKind.MajorityJudgment, options: ["Alice", "Bob", "Chloé"], counts, votersCount: 4 }) as MajorityJudgmentResults;
    expect(r.candidates.map((c) => [c.label, c.majorityGrade, c.majorityGradeLabel, c.rank])).to.deep.equal([
      ["Alice", 2, "Passable", 2], ["Bob", 2, "Passable", 1], ["Chloé", 0, "À rejeter", 3],
    ]);
    expect(r.candidates[0].profile.map((p) => [p.votes, p.percent])).to.deep.equal([[0, 0], [1, 25], [2, 50], [0, 0], [1, 25], [0, 0]]);
    expect(r.ranking).to.deep.equal([1, 0, 2]);
    expect(r.winner).to.equal(1);
    expect(r.grades.map((g) => g.labelEn)).to.deep.equal(["Reject", "Poor", "Acceptable", "Good", "Very good", "Excellent"]);
  });

  describe("refuses", () => {
    it("a kind the protocol does not have", () => {
      expect(() => computeResults({ kind: 3, options: OPTIONS, counts: [0n, 0n, 0n], votersCount: 0 })).to.throw(TypeError, "unknown ballot kind 3");
    });
    it("counts of the wrong length for the options", () => {
      expect(() => computeResults({ kind: 0, options: OPTIONS, counts: [0n, 0n], votersCount: 0 })).to.throw(TypeError, "counts must have 3 entries, got 2");
      expect(() => computeResults({ kind: 2, options: OPTIONS, counts: [0n], votersCount: 0 })).to.throw(TypeError, "counts must have 18 entries, got 1");
    });
  });
});
