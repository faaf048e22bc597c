// Free text taken from outside (a ballot's question and options, an app's name): checked
// at the edge, before anything is written, so that what is stored, sent to the chain and
// shown on a screen is the text the organizer meant. Each caller throws its own coded
// error naming the field; this file only says what is wrong. docs/OPERATIONS.md §6.
//
// Refused:
//  - text that is not well-formed UTF-16 (a lone surrogate, U+D800-U+DFFF unpaired): it has
//    no UTF-8 form, so the chain transaction fails deep inside ethers (a 503 once), and
//    written as WTF-8 by another client it is a BallotCreated no observer can decode;
//  - C0 controls (NUL, tab, line feed, ...), DEL and C1 controls, and the line and
//    paragraph separators U+2028/U+2029: a question, a label or a name is one line, and
//    an escape sequence in an app name would reach the operator's terminal (`urne app list`);
//  - bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a label must
//    read on every screen as it does on chain ("Trojan Source").
// Not refused: any other well-formed text, including noncharacters and format characters
// such as U+200D (emoji sequences) and U+200E/U+200F (marks that right-to-left text needs).
//
// Text is kept AS GIVEN, never normalized (NFC): the organizer's exact text is what goes
// on chain and what the API answers, byte for byte (W3C Character Model, String Matching:
// content is not to be re-normalized by those who merely carry it; NFC also replaces CJK
// compatibility ideographs with other characters). Comparisons normalize instead: two
// options equal under NFC and case folding are one option (ballot-input.ts).

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
// (String.prototype.isWellFormed would do, but it is ES2024: not in this project's lib.)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Why `value` is not acceptable free text, as the end of a sentence naming the field; undefined if it is. */
export function textFault(value: string): string | undefined {
  const lone = LONE_SURROGATE.exec(value);
  if (lone) return `is not well-formed Unicode (lone surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at index ${lone.index})`;
  const forbidden = FORBIDDEN_CHARS.exec(value);
  if (forbidden) return `must not contain control, line-separator or bidi-override characters (U+${forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at index ${forbidden.index})`;
  return undefined;
}
