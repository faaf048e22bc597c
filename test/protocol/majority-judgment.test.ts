import { expect } from "chai";
import { compareCandidates, majorityGrade, majorityJudgment, majorityJudgmentFromCounts } from "../../protocol/majority-judgment.js";

/** Merit profile (votes per grade 0..5) of a list of grades. */
const profileOf = (grades: number[], gradeCount = 6) => {
  const profile = new Array<number>(gradeCount).fill(0);
  for (const g of grades) profile[g]++;
  return profile;
};

/** The textbook procedure, literally: remove one majority grade at a time and compare. */
function naiveCompare(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q), y = [...b].sort((p, q) => p - q);
  while (x.length > 0) {
    const m = Math.floor((x.length - 1) / 2);
    if (x[m] !== y[m]) return Math.sign(x[m] - y[m]);
    x.splice(m, 1);
    y.splice(m, 1);
  }
  return 0;
}

describe("protocol/majority-judgment", () => {
  describe("majorityGrade", () => {
    it("is the median grade for an odd number of votes", () => {
      expect(majorityGrade(profileOf([0, 5, 3, 3, 1]))).to.equal(3);
    });
    it("is the LOWER of the two middle grades for an even number of votes", () => {
      expect(majorityGrade(profileOf([1, 2, 4, 5]))).to.equal(2);
    });
    it("is null when nobody voted", () => {
      expect(majorityGrade([0, 0, 0, 0, 0, 0])).to.equal(null);
    });
  });

  describe("compareCandidates", () => {
    it("ranks a higher majority grade first", () => {
      expect(compareCandidates(profileOf([4, 4, 0]), profileOf([5, 3, 3]))).to.be.above(0);
    });
    it("breaks a tie by removing one majority-grade vote at a time (worked example)", () => {
      // A: 1 2 2 4, B: 2 2 3 3 → both have majority grade 2. Remove one 2 from each:
      // A: 1 2 4 (majority grade 2), B: 2 3 3 (majority grade 3) → B ranks first.
      const a = profileOf([1, 2, 2, 4]), b = profileOf([2, 2, 3, 3]);
      expect(majorityGrade(a)).to.equal(majorityGrade(b));
      expect(compareCandidates(b, a)).to.equal(1);
      expect(compareCandidates(a, b)).to.equal(-1);
    });
    it("goes on removing until the grades differ on the lower side (odd count)", () => {
      // A: 0 3 3 3 5, B: 1 3 3 3 4. Sequences: A 3,3,3,0,5 ; B 3,3,3,1,4 → B first (1 > 0).
      expect(compareCandidates(profileOf([0, 3, 3, 3, 5]), profileOf([1, 3, 3, 3, 4]))).to.equal(-1);
    });
    it("is 0 for identical profiles", () => {
      expect(compareCandidates(profileOf([2, 3, 4]), profileOf([4, 2, 3]))).to.equal(0);
    });
    it("refuses candidates graded by different numbers of voters", () => {
      expect(() => compareCandidates(profileOf([1, 2]), profileOf([1]))).to.throw(TypeError);
    });
    it("agrees with the literal procedure on 3,000 random pairs", () => {
      let seed = 42;
      const rand = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
      for (let i = 0; i < 3000; i++) {
        const n = 1 + rand(12);
        const spread = 1 + rand(6);
        const a = Array.from({ length: n }, () => rand(spread)), b = Array.from({ length: n }, () => rand(spread));
        expect(compareCandidates(profileOf(a), profileOf(b)), `${a} vs ${b}`).to.equal(naiveCompare(a, b));
      }
    });
  });

  describe("majorityJudgment", () => {
    it("ranks candidates and names the winner after a tie-break", () => {
      const result = majorityJudgment([profileOf([1, 2, 2, 4]), profileOf([2, 2, 3, 3]), profileOf([0, 0, 1, 5])]);
      expect(result.ranking).to.deep.equal([1, 0, 2]);
      expect(result.winner).to.equal(1);
      expect(result.candidates.map((c) => c.majorityGrade)).to.deep.equal([2, 2, 0]);
      expect(result.candidates.map((c) => c.rank)).to.deep.equal([2, 1, 3]);
    });
    it("has no winner when the best candidates have identical profiles", () => {
      const result = majorityJudgment([profileOf([3, 4]), profileOf([4, 3]), profileOf([0, 0])]);
      expect(result.winner).to.equal(null);
      expect(result.candidates.map((c) => c.rank)).to.deep.equal([1, 1, 3]);
    });
    it("has no winner when nobody voted", () => {
      expect(majorityJudgment([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]).winner).to.equal(null);
    });
    it("reads the contract's counts layout counts[candidate * grades + grade]", () => {
      const counts = [...profileOf([1, 2, 2, 4]), ...profileOf([2, 2, 3, 3])].map(BigInt);
      const result = majorityJudgmentFromCounts(counts, 2, 6);
      expect(result.winner).to.equal(1);
      expect(result.candidates[0].profile).to.deep.equal([0, 1, 2, 0, 1, 0]);
    });
  });
});
