import { expect } from "chai";
import { call, castVotes, inSeconds, startTestStack, type TestStack } from "./stack-fixture.js";

describe("server/api GET /v1/ballots/:id/results (counts from the contract)", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let key: string;

  before(async () => {
    stack = await startTestStack();
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
  });
  after(() => stack?.destroy());

  const create = async (ballot: Record<string, unknown>) => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", closesAt: inSeconds(3600), liveResults: true, ...ballot } });
    expect(status).to.equal(201);
    return body.ballot;
  };

  it("single choice: votes and shares per option, voters, leaders", async () => {
    const ballot = await create({ question: "Pour ou contre ?" });
    await castVotes(stack, ballot, [[0], [0], [1]]);
    const { status, body } = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    expect(status).to.equal(200);
    const r = body.results;
    expect(r).to.include({ ballotId: ballot.id, kind: "single_choice", status: "open", final: false, votersCount: 3, tokensIssued: null, relayFinalShare: null });
    expect(r.options).to.deep.equal([
      { index: 0, label: "Pour", votes: 2, percent: 66.67 },
      { index: 1, label: "Contre", votes: 1, percent: 33.33 },
      { index: 2, label: "Abstention", votes: 0, percent: 0 },
    ]);
    expect(r.leaders).to.deep.equal([0]);
    expect(r.asOf.blockNumber).to.be.a("number");
  });

  it("multiple choice: each option's share of the voters", async () => {
    const ballot = await create({ question: "Quels projets ?", kind: "multiple_choice", options: ["Parc", "Piste", "Marché"], maxChoices: 2 });
    await castVotes(stack, ballot, [[0, 1], [1], [1, 2]]);
    const r = (await call(stack, "GET", `/v1/ballots/${ballot.id}/results`)).body.results;
    expect(r.votersCount).to.equal(3);
    expect(r.options.map((o: { votes: number; percent: number }) => [o.votes, o.percent])).to.deep.equal([[1, 33.33], [3, 100], [1, 33.33]]);
    expect(r.leaders).to.deep.equal([1]);
  });

  it("majority judgment: merit profiles, majority grades and the winner after a tie-break", async () => {
    const ballot = await create({ question: "Jugez", kind: "majority_judgment", options: ["Alice", "Bob", "Chloé"] });
    // Alice: 1 2 2 4, Bob: 2 2 3 3 → both "Passable" (2); removing one 2 each leaves
    // Alice 1 2 4 (2) and Bob 2 3 3 (3): Bob wins. Chloé: 0 0 1 5 → "À rejeter".
    await castVotes(stack, ballot, [[1, 2, 0], [2, 2, 0], [2, 3, 1], [4, 3, 5]]);
    const r = (await call(stack, "GET", `/v1/ballots/${ballot.id}/results`)).body.results;
    expect(r.votersCount).to.equal(4);
    expect(r.candidates.map((c: { majorityGrade: number }) => c.majorityGrade)).to.deep.equal([2, 2, 0]);
    expect(r.candidates[1].majorityGradeLabel).to.equal("Passable");
    expect(r.candidates[0].profile.map((p: { votes: number }) => p.votes)).to.deep.equal([0, 1, 2, 0, 1, 0]);
    expect(r.candidates[0].profile[2].percent).to.equal(50);
    expect(r.ranking).to.deep.equal([1, 0, 2]);
    expect(r.winner).to.equal(1);
    expect(r.candidates.map((c: { rank: number }) => c.rank)).to.deep.equal([2, 1, 3]);
    expect(r.grades).to.have.length(6);
  });

  it("is hidden (409 ERR_RESULTS_HIDDEN) until the close when liveResults is false, then shown as final", async () => {
    const ballot = await create({ question: "Secret jusqu'à la fin ?", liveResults: false });
    await castVotes(stack, ballot, [[2]]);
    const hidden = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    expect(hidden.status).to.equal(409);
    expect(hidden.body.error.code).to.equal("ERR_RESULTS_HIDDEN");
    expect((await call(stack, "POST", `/v1/ballots/${ballot.id}/close`, { key })).status).to.equal(200);
    const shown = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    expect(shown.status).to.equal(200);
    expect(shown.body.results).to.include({ status: "closed", final: true, votersCount: 1, tokensIssued: 0 });
    expect(shown.body.results.options[2].votes).to.equal(1);
  });

  it("a public ballot has no tracker list: 409 ERR_BALLOT_NOT_SEALED; an unknown ballot 404", async () => {
    const ballot = await create({ question: "Public ?" });
    const answer = await call(stack, "GET", `/v1/ballots/${ballot.id}/trackers`);
    expect(answer.status).to.equal(409);
    expect(answer.body.error).to.include({ code: "ERR_BALLOT_NOT_SEALED", field: "id" });
    expect((await call(stack, "GET", "/v1/ballots/999999/trackers")).status).to.equal(404);
  });

  describe("CORS", () => {
    it("allows the ballot's app's origins only", async () => {
      const ballot = await create({ question: "CORS ?" });
      const route = `/v1/ballots/${ballot.id}/results`;
      const mine = await call(stack, "GET", route, { headers: { origin: "https://mavoix.example" } });
      expect(mine.headers.get("access-control-allow-origin")).to.equal("https://mavoix.example");
      for (const origin of ["https://evil.example", "https://mavoix.example.evil.example", "http://mavoix.example"]) {
        const other = await call(stack, "GET", route, { headers: { origin } });
        expect(other.headers.get("access-control-allow-origin"), origin).to.equal(null);
        const preflight = await call(stack, "OPTIONS", route, { headers: { origin, "access-control-request-method": "GET" } });
        expect(preflight.status, origin).to.equal(403);
      }
      const preflight = await call(stack, "OPTIONS", route, { headers: { origin: "https://mavoix.example", "access-control-request-method": "GET" } });
      expect(preflight.status).to.equal(204);
    });

    it("gives organizer endpoints no CORS header at all", async () => {
      const { headers } = await call(stack, "GET", "/v1/ballots", { key, headers: { origin: "https://mavoix.example" } });
      expect(headers.get("access-control-allow-origin")).to.equal(null);
    });
  });
});
