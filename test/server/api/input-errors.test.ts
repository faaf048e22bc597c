import { expect } from "chai";
import { call, inSeconds, startTestStack, type TestStack } from "./stack-fixture.js";

describe("server/api bad input: coded 4xx, never a 500", function () {
  this.timeout(60_000);
  let stack: TestStack;
  let key: string;

  before(async () => {
    stack = await startTestStack();
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
  });
  after(() => stack?.destroy());

  it("names the invalid field (ballot.options[2]) with a 400", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: { question: "Q", options: ["a", "b", ""], closesAt: inSeconds(600) } });
    expect(status).to.equal(400);
    expect(body).to.deep.equal({ error: { code: "ERR_INVALID_BALLOT", message: "ballot.options[2] must not be empty", field: "ballot.options[2]" } });
  });

  it("refuses each kind's rules, the times and minimumAge by field", async () => {
    const cases: [unknown, string][] = [
      [{ question: "Q", kind: "multiple_choice", options: ["a", "b"], maxChoices: 3, closesAt: inSeconds(600) }, "ballot.maxChoices"],
      [{ question: "Q", kind: "majority_judgment", options: ["a"], closesAt: inSeconds(600) }, "ballot.options"],
      [{ question: "Q", closesAt: inSeconds(-10) }, "ballot.closesAt"],
      [{ question: "Q", opensAt: inSeconds(1200), closesAt: inSeconds(600) }, "ballot.closesAt"],
      [{ question: "Q", closesAt: inSeconds(600), eligibility: { minimumAge: 17.5 } }, "ballot.eligibility.minimumAge"],
      [[], "ballot"],
      // Strict JSON parsing takes objects and arrays only: a bare null or string is malformed.
      [null, "body"],
      ["a string", "body"],
    ];
    for (const [input, field] of cases) {
      const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: input });
      expect(status, field).to.equal(400);
      expect(body.error.field, JSON.stringify(input)).to.equal(field);
    }
  });

  it("answers 400 ERR_INVALID_JSON to malformed JSON", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, raw: '{"question": "Q",' });
    expect(status).to.equal(400);
    expect(body.error).to.include({ code: "ERR_INVALID_JSON", field: "body" });
  });

  it("answers 413 ERR_BODY_TOO_LARGE to a body over the limit", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: { question: "x".repeat(70 * 1024), closesAt: inSeconds(600) } });
    expect(status).to.equal(413);
    expect(body.error.code).to.equal("ERR_BODY_TOO_LARGE");
  });

  it("answers 415 to a body that is not JSON", async () => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, raw: "question=Q", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(status).to.equal(415);
    expect(body.error.code).to.equal("ERR_UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 404 ERR_NOT_FOUND to an unknown route", async () => {
    const { status, body } = await call(stack, "GET", "/v1/nothing-here");
    expect(status).to.equal(404);
    expect(body.error.code).to.equal("ERR_NOT_FOUND");
  });

  it("answers 404 to results of an unknown or malformed ballot id", async () => {
    for (const id of ["424242", "x", "-1", "1e3"]) {
      const { status, body } = await call(stack, "GET", `/v1/ballots/${id}/results`);
      expect(status, id).to.equal(404);
      expect(body.error.code).to.equal("ERR_BALLOT_NOT_FOUND");
    }
  });
});
