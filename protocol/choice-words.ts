// A choice as people read it, from the ballot's own words (its options, the grades of
// majority judgment): the widget's confirmation screen, the verify page (the vote the proof
// holds, once the chain's BallotCreated gave the options) and anyone else who shows a vote.
// An empty multiple choice is an empty list: the caller says "no answer" its own way.
import { BallotKind, MJ_GRADES, MJ_GRADES_EN } from "./ballot.js";
import type { Choice } from "./payload.js";

export function choiceInWords(options: readonly string[], choice: Choice, lang: "fr" | "en"): string[] {
  switch (choice.kind) {
    case BallotKind.SingleChoice:
      return [options[choice.option]];
    case BallotKind.MultipleChoice:
      return choice.options.map((o) => options[o]);
    default: {
      const grades = lang === "en" ? MJ_GRADES_EN : MJ_GRADES;
      const colon = lang === "fr" ? "\u00A0: " : ": ";
      return choice.grades.map((g, c) => `${options[c]}${colon}${grades[g]}`);
    }
  }
}
