// Ballot payloads (PROTOCOL.md §5): one byte per index, one canonical encoding per
// choice, so that the contract, the relay and an observer accept exactly the same bytes.
import type { BytesLike } from "ethers";
import { BallotKind, MJ_GRADE_COUNT, validateRules, type BallotRules } from "./ballot.js";
import { UrneError, ErrorCode } from "./errors.js";
import { parseHex } from "./hex.js";

export type Choice =
  | { kind: typeof BallotKind.SingleChoice; option: number }
  | { kind: typeof BallotKind.MultipleChoice; options: number[] }
  | { kind: typeof BallotKind.MajorityJudgment; grades: number[] };

function isIndex(v: unknown, below: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v < below;
}

/**
 * Encodes a voter's choice. The options of a multiple choice may come in any order
 * (they are a set) and are sorted; a repeated option is refused rather than merged, as
 * it is most likely a bug in the form that built the choice.
 */
export function encodePayload(rules: BallotRules, choice: Choice): Uint8Array {
  validateRules(rules);
  const reject = (field: string, why: string): never => {
    throw new UrneError(ErrorCode.ERR_INVALID_CHOICE, `${field} ${why}`, { field });
  };
  const n = rules.optionCount;
  if (choice?.kind !== rules.kind) reject("choice.kind", `must be ${rules.kind}, the ballot's kind`);
  switch (choice.kind) {
    case BallotKind.SingleChoice:
      if (!isIndex(choice.option, n)) reject("choice.option", `must be an option index in [0, ${n})`);
      return Uint8Array.of(choice.option);
    case BallotKind.MultipleChoice: {
      if (!Array.isArray(choice.options)) reject("choice.options", "must be an array");
      choice.options.forEach((o, i) => isIndex(o, n) || reject(`choice.options[${i}]`, `must be an option index in [0, ${n})`));
      const sorted = [...choice.options].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) reject("choice.options", `repeats option ${sorted[i]}`);
      if (sorted.length < rules.minChoices || sorted.length > rules.maxChoices) {
        reject("choice.options", `must hold between ${rules.minChoices} and ${rules.maxChoices} options`);
      }
      return Uint8Array.from(sorted);
    }
    case BallotKind.MajorityJudgment:
      if (!Array.isArray(choice.grades) || choice.grades.length !== n) reject("choice.grades", `must hold one grade per candidate (${n})`);
      choice.grades.forEach((g, i) => isIndex(g, MJ_GRADE_COUNT) || reject(`choice.grades[${i}]`, `must be a grade in [0, ${MJ_GRADE_COUNT})`));
      return Uint8Array.from(choice.grades);
  }
}

/**
 * Decodes and validates a payload from outside (a relay request, a VoteCast event).
 * UrneError ERR_INVALID_PAYLOAD names the field, `payload` for the length and
 * `payload[i]` for the first wrong byte.
 */
export function decodePayload(rules: BallotRules, payload: BytesLike, field = "payload"): Choice {
  validateRules(rules);
  const bytes = parseHex(payload, field);
  const reject = (f: string, why: string): never => {
    throw new UrneError(ErrorCode.ERR_INVALID_PAYLOAD, `${f} ${why}`, { field: f });
  };
  const n = rules.optionCount;
  switch (rules.kind) {
    case BallotKind.SingleChoice:
      if (bytes.length !== 1) reject(field, `must be 1 byte for a single choice, got ${bytes.length}`);
      if (bytes[0] >= n) reject(`${field}[0]`, `option ${bytes[0]} must be < ${n}`);
      return { kind: BallotKind.SingleChoice, option: bytes[0] };
    case BallotKind.MultipleChoice:
      if (bytes.length < rules.minChoices || bytes.length > rules.maxChoices) {
        reject(field, `must be ${rules.minChoices} to ${rules.maxChoices} bytes, got ${bytes.length}`);
      }
      bytes.forEach((o, i) => {
        if (o >= n) reject(`${field}[${i}]`, `option ${o} must be < ${n}`);
        if (i > 0 && o <= bytes[i - 1]) reject(`${field}[${i}]`, "options must be strictly increasing");
      });
      return { kind: BallotKind.MultipleChoice, options: Array.from(bytes) };
    case BallotKind.MajorityJudgment:
      if (bytes.length !== n) reject(field, `must be ${n} bytes (one grade per candidate), got ${bytes.length}`);
      bytes.forEach((g, i) => g < MJ_GRADE_COUNT || reject(`${field}[${i}]`, `grade ${g} must be < ${MJ_GRADE_COUNT}`));
      return { kind: BallotKind.MajorityJudgment, grades: Array.from(bytes) };
  }
}
