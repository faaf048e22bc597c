// Which cells a sealed ballot has and which sums it proves, per kind (PROTOCOL.md §11.2):
//   single choice, N options         N − 1 cells, options 0..N−2;  their sum ∈ {0, 1}
//   multiple choice, N, min..max     N cells, one per option;      their sum ∈ {min..max}
//   majority judgment, C candidates  5·C cells, grades 0..4 of each candidate;
//                                    each candidate's 5 cells sum ∈ {0, 1}
// A one-hot choice needs no cell for its last value: it is 1 exactly when the others add up
// to 0, so its count is the ballots counted less the others' counts (countsOfCells). This
// saves a cell and its proof per one-hot group, and turns the group's sum proof from {1}
// into {0, 1}; a group of one cell proves no sum (its cell's proof says it). Cells follow
// v1's tally order with the last value of each group left out, so the counts opened are
// v1's counts (counts[option], counts[candidate·6 + grade]) and protocol/results.ts reads
// them unchanged.
import { BallotKind, MAX_OPTIONS, MJ_GRADE_COUNT, validateRules, type BallotRules } from "../ballot.js";
import { MAX_SEALED_CELLS } from "../constants.js";
import type { Choice } from "../payload.js";
import { encodePayload } from "../payload.js";
import { BALLOT_CHALLENGE_BYTES } from "./challenge.js";
import { POINT_BYTES, SCALAR_BYTES } from "./group.js";

/** A group of consecutive cells whose plaintexts add up to one of `values`. */
export type SumRule = { first: number; count: number; values: readonly bigint[] };

export type SealedLayout = {
  cells: number;
  /** For each cell, the index of the v1 count it holds (tally order, the implicit values left out). */
  countIndex: readonly number[];
  sums: readonly SumRule[];
  /** The payload's exact length in bytes. */
  bytes: number;
};

export const SEALED_PAYLOAD_VERSION = 0x02;
/** A cell's ciphertext: A ‖ B. */
export const CELL_BYTES = 2 * POINT_BYTES;
/** A proof's bytes per value of its set: a 16-byte challenge and a 32-byte response. */
export const PROOF_BYTES_PER_VALUE = BALLOT_CHALLENGE_BYTES + SCALAR_BYTES;
/** A cell's 0/1 proof: c_0 ‖ c_1 ‖ v_0 ‖ v_1. */
export const CELL_PROOF_BYTES = 2 * PROOF_BYTES_PER_VALUE;
/** The values a cell may hold. */
export const CELL_VALUES: readonly bigint[] = Object.freeze([0n, 1n]);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

export function sealedLayout(rules: BallotRules): SealedLayout {
  validateRules(rules);
  const n = rules.optionCount;
  let countIndex: number[];
  let sums: SumRule[];
  switch (rules.kind) {
    case BallotKind.SingleChoice:
      countIndex = range(0, n - 2).map(Number);
      sums = n - 1 > 1 ? [{ first: 0, count: n - 1, values: CELL_VALUES }] : [];
      break;
    case BallotKind.MultipleChoice:
      countIndex = range(0, n - 1).map(Number);
      sums = [{ first: 0, count: n, values: range(rules.minChoices, rules.maxChoices) }];
      break;
    case BallotKind.MajorityJudgment: {
      const kept = MJ_GRADE_COUNT - 1;
      countIndex = Array.from({ length: n * kept }, (_, k) => Math.floor(k / kept) * MJ_GRADE_COUNT + (k % kept));
      sums = Array.from({ length: n }, (_, c) => ({ first: c * kept, count: kept, values: CELL_VALUES }));
      break;
    }
    default:
      throw new TypeError(`sealedLayout: unknown kind ${String(rules.kind)}`);
  }
  const cells = countIndex.length;
  const sumBytes = sums.reduce((total, s) => total + PROOF_BYTES_PER_VALUE * s.values.length, 0);
  return { cells, countIndex, sums, bytes: 1 + cells * (CELL_BYTES + CELL_PROOF_BYTES) + sumBytes };
}

/** The number of v1 counts of a ballot's tally: N, or N × MJ_GRADE_COUNT. */
const countsLength = (rules: BallotRules) => (rules.kind === BallotKind.MajorityJudgment ? rules.optionCount * MJ_GRADE_COUNT : rules.optionCount);

/**
 * The tally's v1 counts from the counts of its cells and the number of ballots counted: a
 * one-hot group's last value gets the ballots less the group's other counts. Throws when
 * that is negative (the cell counts are not a tally of `ballots` valid ballots).
 */
export function countsOfCells(rules: BallotRules, cellCounts: readonly number[], ballots: number): number[] {
  const layout = sealedLayout(rules);
  if (cellCounts.length !== layout.cells) throw new TypeError(`countsOfCells: ${layout.cells} cell counts expected, got ${cellCounts.length}`);
  const counts = new Array<number>(countsLength(rules)).fill(0);
  cellCounts.forEach((count, k) => (counts[layout.countIndex[k]] = count));
  if (rules.kind === BallotKind.MultipleChoice) return counts;
  const group = rules.kind === BallotKind.MajorityJudgment ? MJ_GRADE_COUNT : rules.optionCount;
  for (let first = 0; first < counts.length; first += group) {
    let others = 0;
    for (let k = first; k < first + group - 1; k++) others += counts[k];
    if (others > ballots) throw new RangeError(`countsOfCells: counts ${first}..${first + group - 2} add up to ${others}, more than the ${ballots} ballots counted`);
    counts[first + group - 1] = ballots - others;
  }
  return counts;
}

/**
 * The longest sealed payload of any ballot the contract accepts (at most MAX_SEALED_CELLS
 * cells): what a reader of untrusted input may have to take (the relay's body limit).
 */
export const MAX_SEALED_PAYLOAD_BYTES = (() => {
  let longest = 0;
  for (let n = 2; n <= MAX_OPTIONS; n++) {
    const candidates: BallotRules[] = [
      { kind: BallotKind.SingleChoice, optionCount: n, minChoices: 0, maxChoices: 0 },
      { kind: BallotKind.MultipleChoice, optionCount: n, minChoices: 1, maxChoices: n },
      { kind: BallotKind.MajorityJudgment, optionCount: n, minChoices: 0, maxChoices: 0 },
    ];
    for (const rules of candidates) {
      const layout = sealedLayout(rules);
      if (layout.cells <= MAX_SEALED_CELLS) longest = Math.max(longest, layout.bytes);
    }
  }
  return longest;
})();

/** The plaintext of each cell (0 or 1) for a valid choice; throws ERR_INVALID_CHOICE as encodePayload does. */
export function cellValues(rules: BallotRules, choice: Choice): number[] {
  const v1 = encodePayload(rules, choice); // the same checks as a public ballot's choice
  const counts = new Array<number>(countsLength(rules)).fill(0);
  switch (rules.kind) {
    case BallotKind.SingleChoice:
    case BallotKind.MultipleChoice:
      for (const option of v1) counts[option] = 1;
      break;
    case BallotKind.MajorityJudgment:
      v1.forEach((grade, candidate) => (counts[candidate * MJ_GRADE_COUNT + grade] = 1));
      break;
  }
  return sealedLayout(rules).countIndex.map((i) => counts[i]);
}
