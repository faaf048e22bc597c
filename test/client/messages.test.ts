// The sentences of the widget and the public pages as people read them: French spacing
// (no line may begin with « : », « ; », « ! », « ? » or « » »), plural forms by each
// language's rules, numbers as the language writes them.
import { expect } from "chai";
import { formatMessage } from "../../client/shared/messages.js";
import { frenchSpacing } from "../../protocol/french-spacing.js";
import { translator as publicWords } from "../../client/shared/public-i18n.js";
import { translator as widgetWords } from "../../client/widget/strings.js";

const NBSP = "\u00A0";
const NNBSP = "\u202F";

describe("client: messages", () => {
  it("puts French no-break spaces before : and », after «, and narrow ones before ; ! ?", () => {
    expect(frenchSpacing("Clôture : demain ; vraiment ? Oui ! « Bien »")).to.equal(`Clôture${NBSP}: demain${NNBSP}; vraiment${NNBSP}? Oui${NNBSP}! «${NBSP}Bien${NBSP}»`);
    // Nothing else moves: a URL's colon, a time, punctuation with no space before it.
    expect(frenchSpacing("https://urne.example 18:00 fin.")).to.equal("https://urne.example 18:00 fin.");
  });

  it("spaces the sentence, never the values put in it (a question, a candidate's name)", () => {
    expect(formatMessage("fr", "Vainqueur : {name}.", { name: "Ça va ?" })).to.equal(`Vainqueur${NBSP}: Ça va ?.`);
    expect(formatMessage("en", "Winner: {name}.", { name: "Ça va ?" })).to.equal("Winner: Ça va ?.");
  });

  it("chooses the plural form by each language's rules: 0 and 1 singular in French, 1 only in English", () => {
    const fr = publicWords("fr");
    const en = publicWords("en");
    expect([0, 1, 2].map((count) => fr("ballots", { count }))).to.deep.equal(["bulletin compté", "bulletin compté", "bulletins comptés"]);
    expect([0, 1, 2].map((count) => en("ballots", { count }))).to.deep.equal(["ballots counted", "ballot counted", "ballots counted"]);
    expect(en("votes", { count: 1 })).to.equal("1 vote");
    expect(fr("someFailed", { count: 1, steps: "P4" })).to.equal(`Preuve NON valide${NBSP}: 1 vérification en échec (P4).`);
    expect(en("someFailed", { count: 2, steps: "P4, P6" })).to.equal("Proof NOT valid: 2 checks failed (P4, P6).");
    expect(widgetWords("fr")("kindMultipleExact", { count: 1 })).to.equal("Choisissez 1 réponse.");
    expect(widgetWords("en")("kindMultipleExact", { count: 3 })).to.equal("Choose 3 answers.");
  });

  it("writes {count} as the language writes numbers", () => {
    expect(publicWords("fr")("votes", { count: 1234 })).to.equal(`1${NNBSP}234 voix`);
    expect(publicWords("en")("votes", { count: 1234 })).to.equal("1,234 votes");
  });

  it("refuses a plural message without a numeric count, rather than guess", () => {
    expect(() => formatMessage("fr", { one: "un", other: "des" }, {})).to.throw(TypeError, "needs a numeric {count}");
  });
});
