// Ballot payloads (PROTOCOL.md §5): every kind, the edges, and one test per rejection.
import { expect } from "chai";
import { BallotKind, decodePayload, encodePayload, ErrorCode, toHex, type BallotRules, type Choice } from "../../protocol/index.js";
import { expectUrneError } from "./helpers.js";

const SC: BallotRules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };
const MC: BallotRules = { kind: BallotKind.MultipleChoice, optionCount: 6, minChoices: 2, maxChoices: 3 };
const MJ: BallotRules = { kind: BallotKind.MajorityJudgment, optionCount: 4, minChoices: 0, maxChoices: 0 };
const MJ64: BallotRules = { ...MJ, optionCount: 64 };

describe("payload", () => {
  describe("round-trips", () => {
    for (const [rules, choice, hex] of [
      [SC, { kind: 0, option: 0 }, "0x00"],
      [SC, { kind: 0, option: 2 }, "0x02"],
      [MC, { kind: 1, options: [0, 5] }, "0x0005"],
      [MC, { kind: 1, options: [1, 2, 3] }, "0x010203"],
      [MJ, { kind: 2, grades: [0, 5, 3, 0] }, "0x00050300"],
      [MJ64, { kind: 2, grades: Array(64).fill(5) }, "0x" + "05".repeat(64)],
    ] as [BallotRules, Choice, string][]) {
      it(`${JSON.stringify(choice).slice(0, 50)} ↔ ${hex.slice(0, 20)}`, () => {
        expect(toHex(encodePayload(rules, choice))).to.equal(hex);
        expect(decodePayload(rules, hex)).to.deep.equal(choice);
      });
    }

    it("encodes a multiple choice given in any order canonically (sorted)", () => {
      expect(toHex(encodePayload(MC, { kind: 1, options: [4, 0, 2] }))).to.equal("0x000204");
    });

    it("decodes bytes as well as hex", () => {
      expect(decodePayload(SC, Uint8Array.of(1))).to.deep.equal({ kind: 0, option: 1 });
    });
  });

  describe("decodePayload rejects with ERR_INVALID_PAYLOAD naming the position", () => {
    for (const [rules, hex, field, what] of [
      [SC, "0x", "payload", "an empty single choice"],
      [SC, "0x0001", "payload", "two bytes for a single choice"],
      [SC, "0x03", "payload[0]", "option N"],
      [SC, "0xff", "payload[0]", "option 255"],
      [MC, "0x01", "payload", "fewer than minChoices"],
      [MC, "0x00010203", "payload", "more than maxChoices"],
      [MC, "0x0302", "payload[1]", "a decreasing pair"],
      [MC, "0x0202", "payload[1]", "a repeated option"],
      [MC, "0x000106", "payload[2]", "option N in third place"],
      [MC, "0x0406", "payload[1]", "option N after a valid one"],
      [MJ, "0x000000", "payload", "a grade missing"],
      [MJ, "0x0000000000", "payload", "a grade too many"],
      [MJ, "0x00000600", "payload[2]", "grade 6"],
      [MJ, "0xff000000", "payload[0]", "grade 255"],
    ] as const) {
      it(`${what} (${hex}) → ${field}`, () => {
        expectUrneError(() => decodePayload(rules, hex), ErrorCode.ERR_INVALID_PAYLOAD, field);
      });
    }

    it("uses the caller's field name (e.g. the position in a batch)", () => {
      expectUrneError(() => decodePayload(MJ, "0x00000600", "votes[4].payload"), ErrorCode.ERR_INVALID_PAYLOAD, "votes[4].payload[2]");
    });

    it("rejects bad hex with ERR_INVALID_HEX", () => {
      expectUrneError(() => decodePayload(SC, "0x0"), ErrorCode.ERR_INVALID_HEX, "payload");
    });

    it("rejects invalid rules with ERR_INVALID_RULES", () => {
      expectUrneError(() => decodePayload({ ...SC, optionCount: 1 }, "0x00"), ErrorCode.ERR_INVALID_RULES, "optionCount");
    });
  });

  describe("encodePayload rejects with ERR_INVALID_CHOICE naming the field", () => {
    for (const [rules, choice, field, what] of [
      [SC, { kind: 1, options: [0] }, "choice.kind", "a choice of another kind"],
      [SC, { kind: 0, option: 3 }, "choice.option", "option N"],
      [SC, { kind: 0, option: -1 }, "choice.option", "a negative option"],
      [SC, { kind: 0, option: 0.5 }, "choice.option", "a fractional option"],
      [MC, { kind: 1, options: [1] }, "choice.options", "fewer than minChoices"],
      [MC, { kind: 1, options: [0, 1, 2, 3] }, "choice.options", "more than maxChoices"],
      [MC, { kind: 1, options: [2, 2] }, "choice.options", "a repeated option"],
      [MC, { kind: 1, options: [0, 6] }, "choice.options[1]", "option N"],
      [MC, { kind: 1, options: "01" }, "choice.options", "options that are not an array"],
      [MJ, { kind: 2, grades: [0, 0, 0] }, "choice.grades", "a grade missing"],
      [MJ, { kind: 2, grades: [0, 0, 6, 0] }, "choice.grades[2]", "grade 6"],
    ] as const) {
      it(`${what} → ${field}`, () => {
        expectUrneError(() => encodePayload(rules, choice as unknown as Choice), ErrorCode.ERR_INVALID_CHOICE, field);
      });
    }
  });
});
