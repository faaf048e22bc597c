import { expect } from "chai";
import { textFault } from "../../../server/http/text.js";

describe("server/http/text: free text from outside", () => {
  it("takes well-formed text, pairs outside the BMP, joiners and right-to-left marks", () => {
    for (const ok of ["Faut-il un budget participatif ?", "Café", "Cafe\u0301", "🗳️", "👩‍👩‍👧", "\u05E9\u05DC\u05D5\u05DD\u200F", "\uFFFD", "\uFDD0", "x".repeat(10_000)]) {
      expect(textFault(ok), JSON.stringify(ok)).to.equal(undefined);
    }
  });

  it("names a lone surrogate, high or low, and where it is", () => {
    expect(textFault("Q\uD800?")).to.equal("is not well-formed Unicode (lone surrogate U+D800 at index 1)");
    expect(textFault("\uDC00")).to.match(/lone surrogate U\+DC00 at index 0/);
    expect(textFault("a\uD83D")).to.match(/lone surrogate U\+D83D at index 1/);
    // Low then high: two lone surrogates, the first one named.
    expect(textFault("\uDE00\uD83D")).to.match(/U\+DE00 at index 0/);
    expect(textFault("\uD83D\uDE00\uDE00")).to.match(/U\+DE00 at index 2/);
  });

  it("refuses C0 and C1 controls, DEL, line and paragraph separators, bidi overrides and isolates", () => {
    for (const bad of ["\u0000", "\t", "\n", "\r", "\u001B[31m", "\u007F", "\u0085", "\u009F", "\u2028", "\u2029", "\u202A", "\u202E", "\u2066", "\u2069"]) {
      expect(textFault(`a${bad}b`), JSON.stringify(bad)).to.match(/must not contain/);
    }
  });
});
