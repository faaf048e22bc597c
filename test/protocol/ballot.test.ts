import { expect } from "chai";
import {
  BallotKind, DEFAULT_SINGLE_CHOICE_OPTIONS, ErrorCode, MJ_GRADES, MJ_GRADES_EN, rulesFromParams, validateRules, type BallotRules,
} from "../../protocol/index.js";
import { expectUrneError } from "./helpers.js";

describe("ballot rules", () => {
  describe("validateRules accepts", () => {
    for (const rules of [
      { kind: BallotKind.SingleChoice, optionCount: 2, minChoices: 0, maxChoices: 0 },
      { kind: BallotKind.SingleChoice, optionCount: 64, minChoices: 0, maxChoices: 0 },
      { kind: BallotKind.MultipleChoice, optionCount: 5, minChoices: 1, maxChoices: 5 },
      { kind: BallotKind.MultipleChoice, optionCount: 64, minChoices: 64, maxChoices: 64 },
      { kind: BallotKind.MajorityJudgment, optionCount: 3, minChoices: 0, maxChoices: 0 },
    ] as BallotRules[]) {
      it(JSON.stringify(rules), () => expect(validateRules(rules)).to.equal(rules));
    }
  });

  describe("validateRules rejects with ERR_INVALID_RULES naming the field", () => {
    for (const [rules, field] of [
      [{ kind: 3, optionCount: 3, minChoices: 0, maxChoices: 0 }, "kind"],
      [{ kind: 0, optionCount: 1, minChoices: 0, maxChoices: 0 }, "optionCount"],
      [{ kind: 0, optionCount: 65, minChoices: 0, maxChoices: 0 }, "optionCount"],
      [{ kind: 0, optionCount: 2.5, minChoices: 0, maxChoices: 0 }, "optionCount"],
      [{ kind: 0, optionCount: 3, minChoices: 1, maxChoices: 0 }, "minChoices"],
      [{ kind: 2, optionCount: 3, minChoices: 0, maxChoices: 1 }, "maxChoices"],
      [{ kind: 1, optionCount: 3, minChoices: 0, maxChoices: 2 }, "minChoices"],
      [{ kind: 1, optionCount: 3, minChoices: 4, maxChoices: 4 }, "minChoices"],
      [{ kind: 1, optionCount: 3, minChoices: 2, maxChoices: 1 }, "maxChoices"],
      [{ kind: 1, optionCount: 3, minChoices: 1, maxChoices: 4 }, "maxChoices"],
    ] as const) {
      it(`${field} in ${JSON.stringify(rules)}`, () => {
        expectUrneError(() => validateRules(rules as unknown as BallotRules), ErrorCode.ERR_INVALID_RULES, field);
      });
    }
  });

  it("rulesFromParams counts the options", () => {
    expect(rulesFromParams({ kind: 1, minChoices: 1, maxChoices: 2, options: ["a", "b", "c"] }))
      .to.deep.equal({ kind: 1, optionCount: 3, minChoices: 1, maxChoices: 2 });
  });

  it("labels: default options (§2.2) and the six grades of §2.3, worst first", () => {
    expect(DEFAULT_SINGLE_CHOICE_OPTIONS).to.deep.equal(["Pour", "Contre", "Abstention"]);
    expect(MJ_GRADES).to.deep.equal(["À rejeter", "Insuffisant", "Passable", "Assez bien", "Bien", "Très bien"]);
    expect(MJ_GRADES_EN).to.have.length(6);
    expect(Object.isFrozen(MJ_GRADES)).to.equal(true);
  });
});
