// Which cells a sealed ballot has and which sums it proves, per kind (PROTOCOL.md §11.2):
//   single choice, N options         N cells, one-hot;        their sum ∈ {1}
//   multiple choice, N, min..max     N cells, one per option;  their sum ∈ {min..max}
//   majority judgment, C candidates  6·C cells, one-hot per candidate over the grades;
//                                    each candidate's 6 cells sum ∈ {1}
// Cells follow v1's tally order (counts[option], counts[candidate·6 + grade]), so decrypted
// counts are v1's counts and protocol/results.ts reads them unchanged.
import { BallotKind, MAX_OPTIONS, MJ_GRADE_COUNT, validateRules, type BallotRules } from "../ballot.js";
import { MAX_SEALED_CELLS } from "../constants.js";
import type { Choice } from "../payload.js";
import { encodePayload } from "../payload.js";
import { POINT_BYTES, SCALAR_BYTES } from "./group.js";

/** A group of consecutive cells whose plaintexts add up to one of `values`. */
export type SumRule = { first: number; count: number; values: readonly bigint[] };

export type SealedLayout = {
  cells: number;
  sums: readonly SumRule[];
  /** The payload's exact length in bytes. */
  bytes: number;
};

export const SEALED_PAYLOAD_VERSION = 0x02;
/** A cell's ciphertext: A ‖ B. */
export const CELL_BYTES = 2 * POINT_BYTES;
/** A cell's 0/1 proof: c_0 ‖ c_1 ‖ v_0 ‖ v_1. */
export const CELL_PROOF_BYTES = 4 * SCALAR_BYTES;
/** The values a cell may hold. */
export const CELL_VALUES: readonly bigint[] = Object.freeze([0n, 1n]);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

export function sealedLayout(rules: BallotRules): SealedLayout {
  validateRules(rules);
  const n = rules.optionCount;
  let cells: number;
  let sums: SumRule[];
  switch (rules.kind) {
    case BallotKind.SingleChoice:
      cells = n;
      sums = [{ first: 0, count: n, values: [1n] }];
      break;
    case BallotKind.MultipleChoice:
      cells = n;
      sums = [{ first: 0, count: n, values: range(rules.minChoices, rules.maxChoices) }];
      break;
    case BallotKind.MajorityJudgment:
      cells = n * MJ_GRADE_COUNT;
      sums = Array.from({ length: n }, (_, c) => ({ first: c * MJ_GRADE_COUNT, count: MJ_GRADE_COUNT, values: [1n] }));
      break;
    default:
      throw new TypeError(`sealedLayout: unknown kind ${String(rules.kind)}`);
  }
  const sumBytes = sums.reduce((total, s) => total + 2 * SCALAR_BYTES * s.values.length, 0);
  return { cells, sums, bytes: 1 + cells * (CELL_BYTES + CELL_PROOF_BYTES) + sumBytes };
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
  const { cells } = sealedLayout(rules);
  const values = new Array<number>(cells).fill(0);
  switch (rules.kind) {
    case BallotKind.SingleChoice:
    case BallotKind.MultipleChoice:
      for (const option of v1) values[option] = 1;
      break;
    case BallotKind.MajorityJudgment:
      v1.forEach((grade, candidate) => (values[candidate * MJ_GRADE_COUNT + grade] = 1));
      break;
  }
  return values;
}
