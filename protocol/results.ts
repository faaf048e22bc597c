// Results of a ballot from its counts (PROTOCOL.md §6.3): shares per option and, for
// majority judgment, merit profiles, majority grades, ranking and winner
// (majority-judgment.ts). ONE computation for the API's results, the results page and the
// observer recount (PROTOCOL.md §9.3 R5), so that R6 compares like with like: it takes
// only what the chain holds (kind, option labels of BallotCreated, tally, votersCount).
// Browser-safe.
import { BallotKind, MJ_GRADE_COUNT, MJ_GRADES, MJ_GRADES_EN } from "./ballot.js";
import { majorityJudgmentFromCounts } from "./majority-judgment.js";

export type ResultsInput = {
  /** On-chain kind (§2.2). */
  kind: number;
  /** Option or candidate labels, in ballot order (BallotCreated). */
  options: readonly string[];
  /** `tally(ballotId)` (§6.3): N entries, or N × MJ_GRADE_COUNT for majority judgment. */
  counts: readonly bigint[];
  votersCount: number;
};

export type OptionResult = { index: number; label: string; votes: number; percent: number };
export type ChoiceResults = { options: OptionResult[]; leaders: number[] };
export type MajorityJudgmentResults = {
  grades: { grade: number; label: string; labelEn: string }[];
  candidates: {
    index: number;
    label: string;
    profile: { grade: number; votes: number; percent: number }[];
    majorityGrade: number | null;
    majorityGradeLabel: string | null;
    rank: number;
  }[];
  ranking: number[];
  winner: number | null;
  tieBreak: string;
};

/** Percent with two decimals; 0 when there is nothing to divide. */
const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100);

export function computeResults(input: ResultsInput): ChoiceResults | MajorityJudgmentResults {
  const { kind, options: labels, counts, votersCount } = input;
  if (kind === BallotKind.MajorityJudgment) {
    const mj = majorityJudgmentFromCounts(counts, labels.length, MJ_GRADE_COUNT);
    return {
      grades: MJ_GRADES.map((label, grade) => ({ grade, label, labelEn: MJ_GRADES_EN[grade] })),
      candidates: mj.candidates.map((c) => ({
        index: c.index,
        label: labels[c.index],
        profile: c.profile.map((votes, grade) => ({ grade, votes, percent: percent(votes, c.total) })),
        majorityGrade: c.majorityGrade,
        majorityGradeLabel: c.majorityGrade === null ? null : MJ_GRADES[c.majorityGrade],
        rank: c.rank,
      })),
      ranking: mj.ranking,
      winner: mj.winner,
      tieBreak: "Balinski–Laraki: lower median grade; ties broken by removing one median grade at a time",
    };
  }
  if (kind !== BallotKind.SingleChoice && kind !== BallotKind.MultipleChoice) throw new TypeError(`computeResults: unknown ballot kind ${kind}`);
  if (counts.length !== labels.length) throw new TypeError(`computeResults: counts must have ${labels.length} entries, got ${counts.length}`);
  // Single choice: shares of the ballots; multiple choice: share of voters who chose it.
  const options = labels.map((label, index) => {
    const votes = Number(counts[index]);
    return { index, label, votes, percent: percent(votes, votersCount) };
  });
  const top = Math.max(...options.map((o) => o.votes));
  const leaders = options.filter((o) => o.votes === top).map((o) => o.index);
  return { options, leaders: votersCount === 0 ? [] : leaders };
}
