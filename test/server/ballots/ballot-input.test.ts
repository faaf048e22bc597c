import { expect } from "chai";
import { UrneError } from "../../../protocol/errors.js";
import { parseBallotInput } from "../../../server/ballots/ballot-input.js";

const NOW = 1_800_000_000;
const iso = (s: number) => new Date(s * 1000).toISOString();
const base = { sealing: "public", question: "Q ?", closesAt: iso(NOW + 3600) };

/** The field named by the error parseBallotInput throws for `body`. */
function fieldOf(body: unknown): string | undefined {
  try {
    parseBallotInput(body, NOW);
  } catch (error) {
    expect(error).to.be.instanceOf(UrneError);
    expect((error as UrneError).code).to.equal("ERR_INVALID_BALLOT");
    return (error as UrneError).field;
  }
  expect.fail("the input was accepted");
}

describe("server/ballots/ballot-input", () => {
  it("fills the defaults: single choice, Pour/Contre/Abstention, opens now, no revote, results at the close", () => {
    expect(parseBallotInput(base, NOW)).to.deep.equal({
      question: "Q ?", kind: "single_choice", options: ["Pour", "Contre", "Abstention"], minChoices: 0, maxChoices: 0,
      opensAt: NOW, closesAt: NOW + 3600, allowRevote: false, liveResults: false, eligibility: { minimumAge: null }, sealing: { kind: "public" },
    });
  });

  it("defaults multiple-choice bounds to 1..N", () => {
    const d = parseBallotInput({ ...base, kind: "multiple_choice", options: ["a", "b", "c"] }, NOW);
    expect([d.minChoices, d.maxChoices]).to.deep.equal([1, 3]);
  });

  describe("names the field at fault", () => {
    const cases: [string, unknown, string][] = [
      ["a body that is not an object", [1], "ballot"],
      ["an unknown field", { ...base, colour: "red" }, "ballot.colour"],
      ["no sealing said (never public by omission)", { question: base.question, closesAt: base.closesAt }, "ballot.sealing"],
      ["a sealing that is neither public nor a ceremony", { ...base, sealing: "private" }, "ballot.sealing"],
      ["a ceremony id that is not 32 bytes", { ...base, sealing: { ceremony: "0x1234" } }, "ballot.sealing.ceremony"],
      ["live results on a sealed ballot", { ...base, sealing: { ceremony: "0x" + "12".repeat(32) }, liveResults: true }, "ballot.liveResults"],
      ["a missing question", { closesAt: base.closesAt }, "ballot.question"],
      ["a blank question", { ...base, question: "   " }, "ballot.question"],
      ["a question too long", { ...base, question: "x".repeat(1001) }, "ballot.question"],
      ["an unknown kind", { ...base, kind: "ranked" }, "ballot.kind"],
      ["a null kind", { ...base, kind: null }, "ballot.kind"],
      ["options that are not an array", { ...base, options: "a,b" }, "ballot.options"],
      ["a single option", { ...base, options: ["seul"] }, "ballot.options"],
      ["65 options", { ...base, options: Array.from({ length: 65 }, (_, i) => `o${i}`) }, "ballot.options"],
      ["an empty third option", { ...base, options: ["a", "b", ""] }, "ballot.options[2]"],
      ["an option that is a number", { ...base, options: ["a", 2] }, "ballot.options[1]"],
      ["a repeated option (case-insensitive)", { ...base, options: ["Oui", "Non", "oui"] }, "ballot.options[2]"],
      ["a control character in an option", { ...base, options: ["a", "b\u0007"] }, "ballot.options[1]"],
      ["a NUL in the question", { ...base, question: "Q\u0000" }, "ballot.question"],
      ["a lone high surrogate in the question", { ...base, question: "Q\uD800?" }, "ballot.question"],
      ["a lone low surrogate in an option", { ...base, options: ["a", "b", "\uDC00c"] }, "ballot.options[2]"],
      ["a line separator in an option", { ...base, options: ["a\u2028b", "c"] }, "ballot.options[0]"],
      ["options equal under NFC", { ...base, options: ["Cafe\u0301", "Café"] }, "ballot.options[1]"],
      ["a majority-judgment ballot without candidates", { ...base, kind: "majority_judgment" }, "ballot.options"],
      ["bounds on a single-choice ballot", { ...base, minChoices: 1 }, "ballot.minChoices"],
      ["bounds on a majority-judgment ballot", { ...base, kind: "majority_judgment", options: ["a", "b"], maxChoices: 1 }, "ballot.maxChoices"],
      ["minChoices 0", { ...base, kind: "multiple_choice", options: ["a", "b"], minChoices: 0 }, "ballot.minChoices"],
      ["maxChoices above the options", { ...base, kind: "multiple_choice", options: ["a", "b"], maxChoices: 3 }, "ballot.maxChoices"],
      ["maxChoices below minChoices", { ...base, kind: "multiple_choice", options: ["a", "b", "c"], minChoices: 2, maxChoices: 1 }, "ballot.maxChoices"],
      ["a fractional minChoices", { ...base, kind: "multiple_choice", options: ["a", "b"], minChoices: 1.5 }, "ballot.minChoices"],
      ["a missing closesAt", { question: "Q" }, "ballot.closesAt"],
      ["a closesAt without time zone", { ...base, closesAt: "2027-01-01T10:00:00" }, "ballot.closesAt"],
      ["a closesAt as a number", { ...base, closesAt: NOW + 3600 }, "ballot.closesAt"],
      ["a closesAt in the past", { ...base, closesAt: iso(NOW - 1) }, "ballot.closesAt"],
      ["a closesAt before opensAt", { ...base, opensAt: iso(NOW + 7200) }, "ballot.closesAt"],
      ["a ballot longer than a year", { ...base, closesAt: iso(NOW + 367 * 86400) }, "ballot.closesAt"],
      ["an opensAt in the past", { ...base, opensAt: iso(NOW - 3600) }, "ballot.opensAt"],
      ["an invalid date", { ...base, opensAt: "2027-02-30T10:00:00Z" }, "ballot.opensAt"],
      ["a non-boolean allowRevote", { ...base, allowRevote: "yes" }, "ballot.allowRevote"],
      ["a non-boolean liveResults", { ...base, liveResults: 1 }, "ballot.liveResults"],
      ["eligibility that is not an object", { ...base, eligibility: 18 }, "ballot.eligibility"],
      ["an unknown eligibility rule", { ...base, eligibility: { nationality: "FR" } }, "ballot.eligibility.nationality"],
      ["a negative minimumAge", { ...base, eligibility: { minimumAge: -1 } }, "ballot.eligibility.minimumAge"],
      ["a minimumAge of 121", { ...base, eligibility: { minimumAge: 121 } }, "ballot.eligibility.minimumAge"],
      ["a minimumAge as a string", { ...base, eligibility: { minimumAge: "18" } }, "ballot.eligibility.minimumAge"],
    ];
    for (const [what, body, field] of cases) it(`${field} for ${what}`, () => expect(fieldOf(body)).to.equal(field));
  });

  it("names every field at fault at once, the first as the error's field, and checks a field that depends on a faulty one only once it is right", () => {
    const faults = (body: unknown) => {
      try {
        parseBallotInput(body, NOW);
      } catch (error) {
        const e = error as UrneError;
        return { field: e.field, all: (e.faults ?? [{ field: e.field, message: e.message }]).map((f) => f.field) };
      }
      throw new Error("accepted");
    };
    expect(faults({})).to.deep.equal({ field: "ballot.question", all: ["ballot.question", "ballot.closesAt", "ballot.sealing"] });
    expect(faults({ ...base, colour: "red", question: " Q", eligibility: { minimumAge: -1 }, allowRevote: "yes" }))
      .to.deep.equal({ field: "ballot.colour", all: ["ballot.colour", "ballot.question", "ballot.eligibility.minimumAge", "ballot.allowRevote"] });
    // Bounds are checked against options only when the options are right.
    expect(faults({ ...base, kind: "multiple_choice", options: ["a", "a"], maxChoices: 9 }).all).to.deep.equal(["ballot.options[1]"]);
    expect(faults({ ...base, kind: "multiple_choice", options: ["a", "b"], minChoices: 0, maxChoices: 9 }).all).to.deep.equal(["ballot.minChoices", "ballot.maxChoices"]);
    // The closing is compared with the opening only when the opening is right.
    expect(faults({ ...base, opensAt: "tomorrow" }).all).to.deep.equal(["ballot.opensAt"]);
  });

  it("keeps text as given: neither normalized (NFC) nor trimmed of inner spaces", () => {
    const d = parseBallotInput({ ...base, question: "Cafe\u0301 ou  thé ?", options: ["Cafe\u0301", "Thé 🍵"] }, NOW);
    expect(d.question).to.equal("Cafe\u0301 ou  thé ?");
    expect(d.options).to.deep.equal(["Cafe\u0301", "Thé 🍵"]);
  });

  it("returns a date that is not valid in the calendar as an error, not a shifted date", () => {
    expect(fieldOf({ ...base, closesAt: "2027-02-30T10:00:00Z" })).to.equal("ballot.closesAt");
  });
});
