// Results of a ballot from the contract's counts (PROTOCOL.md §6.3): the same numbers an
// observer recounts from the events, with percentages and, for majority judgment, merit
// profiles, majority grades and the winner (protocol/majority-judgment.ts).
import { MJ_GRADE_COUNT, MJ_GRADES, MJ_GRADES_EN } from "../../protocol/ballot.js";
import { majorityJudgmentFromCounts } from "../../protocol/majority-judgment.js";
import type { BallotDraft } from "./ballot-input.js";

/** Percent with two decimals; 0 when there is nothing to divide. */
const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100);

export function computeResults(draft: BallotDraft, counts: readonly bigint[], votersCount: number) {
  if (draft.kind === "majority_judgment") {
    const mj = majorityJudgmentFromCounts(counts, draft.options.length, MJ_GRADE_COUNT);
    return {
      grades: MJ_GRADES.map((label, grade) => ({ grade, label, labelEn: MJ_GRADES_EN[grade] })),
      candidates: mj.candidates.map((c) => ({
        index: c.index,
        label: draft.options[c.index],
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
  // Single choice: shares of the ballots; multiple choice: share of voters who chose it.
  const options = draft.options.map((label, index) => {
    const votes = Number(counts[index] ?? 0n);
    return { index, label, votes, percent: percent(votes, votersCount) };
  });
  const top = Math.max(...options.map((o) => o.votes));
  const leaders = options.filter((o) => o.votes === top).map((o) => o.index);
  return { options, leaders: votersCount === 0 ? [] : leaders };
}
