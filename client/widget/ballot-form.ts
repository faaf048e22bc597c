// The ballot as real form controls (PROTOCOL.md §2.2, §5): a radio group for a single
// choice, a checkbox group with its bounds for a multiple choice, and one radio group of
// the six grades per candidate for majority judgment. Fieldsets and legends name every
// group, so a screen reader and a keyboard (Tab, arrows, Space) are enough.
import { choiceInWords } from "../../protocol/choice-words.js";
import { BallotKind, MJ_GRADES, MJ_GRADES_EN, type BallotParams, type Choice } from "../../protocol/index.js";
import { h } from "../shared/dom.js";
import type { Lang, Translate } from "./strings.js";

export type BallotForm = {
  element: HTMLFieldSetElement;
  /** The choice, or the sentence that says what is missing. */
  read(): { choice: Choice } | { problem: string };
  /** Words of a choice, for the confirmation screen. */
  describe(choice: Choice): string[];
};

let formCount = 0;

export function ballotForm(params: BallotParams, lang: Lang, t: Translate, previous?: Choice): BallotForm {
  const id = `ballot-${++formCount}`;
  const grades = lang === "en" ? MJ_GRADES_EN : MJ_GRADES;
  const hint = params.kind === BallotKind.SingleChoice ? t("kindSingle")
    : params.kind === BallotKind.MultipleChoice ? (params.minChoices === params.maxChoices ? t("kindMultipleExact", { count: params.minChoices }) : t("kindMultiple", { min: params.minChoices, max: params.maxChoices }))
      : t("kindJudgment");
  const element = h("fieldset", { class: "ballot", "aria-describedby": `${id}-hint` },
    h("legend", {}, params.question),
    h("p", { id: `${id}-hint`, class: "hint" }, hint));

  if (params.kind === BallotKind.MajorityJudgment) {
    params.options.forEach((candidate, c) => {
      const group = h("fieldset", { class: "grades" }, h("legend", {}, candidate));
      grades.forEach((grade, g) => {
        const checked = previous?.kind === BallotKind.MajorityJudgment && previous.grades[c] === g;
        group.append(h("label", { class: "grade" }, h("input", { type: "radio", name: `${id}-c${c}`, value: g, checked }), grade));
      });
      element.append(group);
    });
  } else {
    const type = params.kind === BallotKind.SingleChoice ? "radio" : "checkbox";
    params.options.forEach((option, i) => {
      const checked = previous?.kind === BallotKind.SingleChoice ? previous.option === i : previous?.kind === BallotKind.MultipleChoice && previous.options.includes(i);
      element.append(h("label", { class: "option" }, h("input", { type, name: `${id}-option`, value: i, checked }), option));
    });
  }

  const checkedValues = (name: string) =>
    Array.from(element.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)).map((input) => Number(input.value));

  return {
    element,
    read() {
      switch (params.kind) {
        case BallotKind.SingleChoice: {
          const [option] = checkedValues(`${id}-option`);
          return option === undefined ? { problem: t("needOne") } : { choice: { kind: BallotKind.SingleChoice, option } };
        }
        case BallotKind.MultipleChoice: {
          const options = checkedValues(`${id}-option`);
          if (options.length < params.minChoices || options.length > params.maxChoices) {
            return { problem: t("needBetween", { min: params.minChoices, max: params.maxChoices, count: options.length }) };
          }
          return { choice: { kind: BallotKind.MultipleChoice, options } };
        }
        default: {
          const chosen = params.options.map((_, c) => checkedValues(`${id}-c${c}`)[0]);
          const missing = chosen.filter((g) => g === undefined).length;
          return missing > 0 ? { problem: t("needAllGrades", { count: missing }) } : { choice: { kind: BallotKind.MajorityJudgment, grades: chosen as number[] } };
        }
      }
    },
    describe(choice) {
      const words = choiceInWords(params.options, choice, lang);
      return words.length === 0 ? [t("noneChosen")] : words;
    },
  };
}
