import { expect } from "chai";
import { ballotBoxInterface } from "../../../server/ballots/ballot-chain.js";
import { call, inSeconds, startTestStack, type TestStack } from "./stack-fixture.js";

describe("server/api ballots (organizer endpoints, real chain and LevelDB)", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let key: string, otherKey: string;

  before(async () => {
    stack = await startTestStack();
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
    ({ apiKey: otherKey } = await stack.apps.create({ name: "Other", origins: ["https://other.example"] }));
  });
  after(() => stack?.destroy());

  /** The BallotCreated event of the ballot's creation transaction, decoded. */
  async function createdEvent(txHash: string) {
    const receipt = await stack.ballotChain.provider.getTransactionReceipt(txHash);
    const event = receipt!.logs.map((l) => ballotBoxInterface.parseLog(l)).find((e) => e?.name === "BallotCreated")!;
    return { ballotId: event.args.ballotId as bigint, organizer: event.args.organizer as string, params: event.args.params };
  }

  describe("POST /v1/ballots", () => {
    it("creates a single-choice ballot on the default options Pour / Contre / Abstention", async () => {
      const closesAt = inSeconds(3600);
      const { status, body, headers } = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Faut-il un budget participatif ?", closesAt } });
      expect(status).to.equal(201);
      const b = body.ballot;
      expect(headers.get("location")).to.equal(`/v1/ballots/${b.id}`);
      expect(b).to.include({ kind: "single_choice", status: "open", allowRevote: false, liveResults: false });
      expect(b.options).to.deep.equal(["Pour", "Contre", "Abstention"]);
      expect(b.issuerKey).to.include({ kty: "RSA", e: "AQAB", alg: "PS256" });
      expect(b.secrecy.en).to.match(/public on the chain/);
      expect(b.secrecy.fr).to.match(/publics sur la chaîne/);
      const event = await createdEvent(b.chain.txHash);
      expect(event.ballotId.toString()).to.equal(b.id);
      expect(event.organizer).to.equal(stack.chain.operators.organizer.address);
      expect(Number(event.params.kind)).to.equal(0);
      expect(event.params.question).to.equal("Faut-il un budget participatif ?");
      expect([...event.params.options]).to.deep.equal(["Pour", "Contre", "Abstention"]);
      expect(Number(event.params.closesAt)).to.equal(Math.floor(Date.parse(closesAt) / 1000));
      expect(Buffer.from(event.params.issuerModulus.slice(2), "hex").toString("base64url")).to.equal(b.issuerKey.n);
    });

    it("creates a multiple-choice ballot with its bounds, revoting and live results", async () => {
      const opensAt = inSeconds(60), closesAt = inSeconds(7200);
      const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: {
        sealing: "public", question: "Quels projets financer ?", kind: "multiple_choice", options: ["Parc", "Piste cyclable", "Bibliothèque", "Marché"],
        minChoices: 1, maxChoices: 2, opensAt, closesAt, allowRevote: true, liveResults: true, eligibility: { minimumAge: 16 },
      } });
      expect(status).to.equal(201);
      expect(body.ballot).to.include({ kind: "multiple_choice", status: "scheduled", minChoices: 1, maxChoices: 2, allowRevote: true, liveResults: true });
      expect(body.ballot.eligibility).to.deep.equal({ minimumAge: 16, judgedAt: new Date(Math.floor(Date.parse(closesAt) / 1000) * 1000).toISOString() });
      const { params } = await createdEvent(body.ballot.chain.txHash);
      expect([Number(params.kind), Number(params.minChoices), Number(params.maxChoices)]).to.deep.equal([1, 1, 2]);
      expect([params.allowRevote, params.liveResults]).to.deep.equal([true, true]);
      expect(Number(params.opensAt)).to.equal(Math.floor(Date.parse(opensAt) / 1000));
      expect([...params.options]).to.have.length(4);
    });

    it("creates a majority-judgment ballot", async () => {
      const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: {
        sealing: "public", question: "Comment jugez-vous ces candidats ?", kind: "majority_judgment", options: ["Alice", "Bob", "Chloé"], closesAt: inSeconds(3600),
      } });
      expect(status).to.equal(201);
      const { params } = await createdEvent(body.ballot.chain.txHash);
      expect([Number(params.kind), Number(params.minChoices), Number(params.maxChoices)]).to.deep.equal([2, 0, 0]);
      expect([...params.options]).to.deep.equal(["Alice", "Bob", "Chloé"]);
    });
  });

  describe("POST /v1/ballots/check", () => {
    it("answers the ballot the API would create, defaults filled in, and creates nothing", async () => {
      const before = (await call(stack, "GET", "/v1/ballots", { key })).body.ballots.length;
      const blockBefore = await stack.ballotChain.provider.getBlockNumber();
      const closesAt = inSeconds(3600);
      const { status, body } = await call(stack, "POST", "/v1/ballots/check", { key, body: { sealing: "public", question: "Un banc place du marché ?", closesAt } });
      expect(status).to.equal(200);
      expect(body.ballot).to.include({ question: "Un banc place du marché ?", kind: "single_choice", allowRevote: false, liveResults: false });
      expect(body.ballot.options).to.deep.equal(["Pour", "Contre", "Abstention"]);
      expect(body.ballot.closesAt).to.equal(new Date(Math.floor(Date.parse(closesAt) / 1000) * 1000).toISOString());
      expect(Date.parse(body.ballot.opensAt)).to.be.closeTo(Date.now(), 60_000);
      expect(body.ballot.sealing).to.equal("public");
      expect((await call(stack, "GET", "/v1/ballots", { key })).body.ballots.length).to.equal(before);
      // Nothing sent to the chain: no createBallot transaction in any block since.
      const blockAfter = await stack.ballotChain.provider.getBlockNumber();
      for (let n = blockBefore + 1; n <= blockAfter; n++) expect((await stack.ballotChain.provider.getBlock(n))!.transactions, `block ${n}`).to.deep.equal([]);
      // The answer is a body POST /v1/ballots takes as it is, and makes that very ballot.
      const created = await call(stack, "POST", "/v1/ballots", { key, body: body.ballot });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.ballot).to.include({ question: body.ballot.question, kind: "single_choice", opensAt: body.ballot.opensAt, closesAt: body.ballot.closesAt });
      expect(created.body.ballot.sealing).to.deep.equal({ kind: "public" });
    });

    it("refuses what POST /v1/ballots refuses, with the same code and field: bounds, options, a ceremony unknown to the app, no key", async () => {
      const bodies = [
        { sealing: "public", question: "Q ?", kind: "multiple_choice", options: ["A", "B", "C"], minChoices: 3, maxChoices: 2, closesAt: inSeconds(3600) },
        { sealing: "public", question: "Q ?", kind: "majority_judgment", options: ["A", "B", "a"], closesAt: inSeconds(3600) },
        { sealing: { ceremony: "0x" + "ab".repeat(32) }, question: "Q ?", closesAt: inSeconds(3600) },
        { sealing: "public", question: " Q ?", closesAt: inSeconds(3600) },
      ];
      for (const b of bodies) {
        const checked = await call(stack, "POST", "/v1/ballots/check", { key, body: b });
        const created = await call(stack, "POST", "/v1/ballots", { key, body: b });
        expect(checked.status, JSON.stringify(b)).to.equal(created.status).and.to.be.oneOf([400, 404, 409, 422]);
        expect(checked.body.error, JSON.stringify(b)).to.deep.equal(created.body.error);
        expect(checked.body.error.field).to.be.a("string");
      }
      expect((await call(stack, "POST", "/v1/ballots/check", { body: bodies[0] })).status).to.equal(401);
    });
  });

  describe("GET /v1/app", () => {
    it("answers the key's app: its id, name and the sites that may embed its ballots, never its key", async () => {
      const { status, body, headers } = await call(stack, "GET", "/v1/app", { key });
      expect(status).to.equal(200);
      expect(body.app).to.have.all.keys("id", "name", "origins");
      expect(body.app).to.deep.include({ name: "MaVoix", origins: ["https://mavoix.example"] });
      expect(JSON.stringify(body)).not.to.include(key);
      expect(headers.get("cache-control")).to.equal("no-store");
      expect((await call(stack, "GET", "/v1/app", { key: otherKey })).body.app.name).to.equal("Other");
      expect((await call(stack, "GET", "/v1/app")).status).to.equal(401);
    });
  });

  describe("authentication", () => {
    it("answers 401 without a key, with a malformed key and with an unknown key", async () => {
      for (const k of [undefined, "nope", "urne_sk_" + "A".repeat(43)]) {
        const { status, body, headers } = await call(stack, "GET", "/v1/ballots", { key: k });
        expect(status).to.equal(401);
        expect(body.error.code).to.equal("ERR_UNAUTHENTICATED");
        expect(headers.get("www-authenticate")).to.match(/^Bearer/);
      }
    });

    it("answers 404 to another app's key for my ballot (read and close), and lists only its own", async () => {
      const { body } = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Mine?", closesAt: inSeconds(3600) } });
      const id = body.ballot.id;
      for (const [method, route] of [["GET", `/v1/ballots/${id}`], ["POST", `/v1/ballots/${id}/close`]]) {
        const answer = await call(stack, method, route, { key: otherKey });
        expect(answer.status, route).to.equal(404);
        expect(answer.body.error.code).to.equal("ERR_BALLOT_NOT_FOUND");
      }
      expect((await call(stack, "GET", "/v1/ballots", { key: otherKey })).body.ballots).to.deep.equal([]);
      const mine = (await call(stack, "GET", "/v1/ballots", { key })).body.ballots.map((b: { id: string }) => b.id);
      expect(mine).to.include(id);
      expect((await stack.ballotChain.ballot(BigInt(id))).closedAt).to.equal(0);
    });
  });

  describe("GET /v1/ballots (pages)", () => {
    it("pages through every ballot of the app, newest first, with no gap and no repeat", async () => {
      const { apiKey: pagedKey } = await stack.apps.create({ name: "Paged", origins: ["https://paged.example"] });
      const created: string[] = [];
      for (let i = 0; i < 5; i++) {
        created.push((await call(stack, "POST", "/v1/ballots", { key: pagedKey, body: { sealing: "public", question: `Page ${i} ?`, closesAt: inSeconds(3600) } })).body.ballot.id);
      }
      const seen: string[] = [];
      let before: string | null = null;
      for (let pages = 0; pages < 5; pages++) {
        const query: string = `?limit=2${before ? `&before=${before}` : ""}`;
        const { status, body } = await call(stack, "GET", `/v1/ballots${query}`, { key: pagedKey });
        expect(status).to.equal(200);
        expect(body.ballots.length).to.be.at.most(2);
        seen.push(...body.ballots.map((b: { id: string }) => b.id));
        before = body.next;
        if (before === null) break;
      }
      expect(seen).to.deep.equal([...created].reverse());
      expect(before).to.equal(null);
    });

    it("refuses a bad limit, a bad cursor or an unknown parameter, naming it", async () => {
      for (const [query, field] of [["?limit=0", "limit"], ["?limit=101", "limit"], ["?limit=abc", "limit"], ["?before=0x1", "before"], ["?before=", "before"], ["?limit=1&limit=2", "limit"], ["?page=2", "page"]]) {
        const { status, body } = await call(stack, "GET", `/v1/ballots${query}`, { key });
        expect(status, query).to.equal(400);
        expect(body.error, query).to.include({ code: "ERR_INVALID_QUERY", field });
      }
    });
  });

  describe("GET /v1/ballots/:id", () => {
    it("answers the ballot with its state on chain", async () => {
      const { body } = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Lire ?", closesAt: inSeconds(3600) } });
      const { status, body: read } = await call(stack, "GET", `/v1/ballots/${body.ballot.id}`, { key });
      expect(status).to.equal(200);
      expect(read.ballot).to.include({ id: body.ballot.id, votersCount: 0, closedAt: null, tokensIssued: null });
    });
    it("answers 404 for an id that is not a ballot", async () => {
      for (const id of ["999999", "abc", "0", "01"]) {
        expect((await call(stack, "GET", `/v1/ballots/${id}`, { key })).status, id).to.equal(404);
      }
    });
  });

  describe("POST /v1/ballots/:id/close", () => {
    it("closes early and records the issuer's token count on chain; a second close is 409", async () => {
      const { body } = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Clore ?", closesAt: inSeconds(3600) } });
      const id = body.ballot.id;
      // Two voters got a token (as the issuer records them), then the organizer closes.
      for (const voter of ["a", "b"]) await stack.ledger.record(BigInt(id), voter.repeat(64), new Uint8Array(256).fill(7));
      const closed = await call(stack, "POST", `/v1/ballots/${id}/close`, { key });
      expect(closed.status).to.equal(200);
      expect(closed.body.ballot.status).to.equal("closed");
      expect(closed.body.ballot.tokensIssued).to.equal(2);
      const onChain = await stack.ballotChain.ballot(BigInt(id));
      expect(onChain.closedAt).to.be.above(0);
      expect(onChain.tokensIssued).to.equal(2);
      // Issuance is over for this ballot: the issuer's ledger refuses a third token.
      const late = await stack.ledger.record(BigInt(id), "c".repeat(64), new Uint8Array(256).fill(7)).catch((e) => e);
      expect(late.code).to.equal("ERR_BALLOT_CLOSED");
      const again = await call(stack, "POST", `/v1/ballots/${id}/close`, { key });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("ERR_BALLOT_CLOSED");
    });
  });
});
