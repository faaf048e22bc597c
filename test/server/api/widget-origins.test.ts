// Who may get a voting token from the assembled API: the vote host's own widget frame only.
// A partner page, even one of the origins of the app that owns the ballot, is refused: it
// once opened the login popup itself, received the citizen's identity and a session, and
// spent the citizen's token (issue "No single party to trust", point 4). And a malformed
// request is a coded 4xx, never a 500.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { loadSecrets } from "../../../server/config/secrets.js";
import { issueSessionToken } from "../../../server/identity/session-token.js";
import { call, inSeconds, startTestStack, type TestStack } from "./stack-fixture.js";

const SITE_A = "https://a.example";
const SITE_B = "https://b.example";

describe("server/api widget origins and malformed requests", function () {
  this.timeout(60_000);
  let stack: TestStack;
  let ballotOfB: string;
  let sessionKey: Buffer;

  before(async () => {
    stack = await startTestStack();
    await stack.apps.create({ name: "A", origins: [SITE_A] });
    const { apiKey } = await stack.apps.create({ name: "B", origins: [SITE_B] });
    const created = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Pour ou contre ?", closesAt: inSeconds(3600) } });
    expect(created.status).to.equal(201);
    ballotOfB = created.body.ballot.id;
    sessionKey = loadSecrets(stack.dataDir).secrets.sessionKey;
  });
  after(() => stack?.destroy());

  const requestToken = async (origin: string) => {
    const session = await issueSessionToken({ key: sessionKey, voterKey: randomBytes(32).toString("hex"), birthdate: "1980-01-01", audience: origin });
    // A well-formed blinded message (below any 2048-bit modulus).
    const blindedMessage = "0x01" + "00".repeat(255);
    return call(stack, "POST", `/v1/ballots/${ballotOfB}/tokens`, {
      headers: { authorization: `Bearer ${session}`, origin }, body: { blindedMessage },
    });
  };

  it("refuses a token to another app's page and to the ballot's own app's page", async () => {
    for (const site of [SITE_A, SITE_B]) {
      const answer = await requestToken(site);
      expect(answer.status, site).to.equal(403);
      expect(answer.body.error.code).to.equal("ERR_ORIGIN_NOT_ALLOWED");
      expect(answer.headers.get("access-control-allow-origin")).to.equal(null);
    }
  });

  it("refuses a partner page's CORS preflight with a coded JSON error, not an empty 403", async () => {
    const answer = await call(stack, "OPTIONS", `/v1/ballots/${ballotOfB}/tokens`, { headers: { origin: SITE_B, "access-control-request-method": "POST" } });
    expect(answer.status).to.equal(403);
    expect(answer.body).to.deep.equal({ error: { code: "ERR_ORIGIN_NOT_ALLOWED", message: "Voting tokens are issued to the vote host's widget only.", field: "origin" } });
  });

  it("refuses the login hand-over to a partner page", async () => {
    for (const site of [SITE_A, SITE_B]) {
      const popup = await fetch(`${stack.apiUrl}/v1/login?origin=${encodeURIComponent(site)}`, { redirect: "manual" });
      expect(popup.status, site).to.equal(403);
    }
  });

  it("serves it to the vote host's widget frame (the API's own origin)", async () => {
    const answer = await requestToken(new URL(stack.apiUrl).origin);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.blindSignature).to.match(/^0x[0-9a-f]{512}$/);
  });

  it("answers a route parameter with broken %-encoding with a coded 400", async () => {
    const answer = await call(stack, "GET", "/v1/ballots/%E0%A4%A/results");
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal("ERR_INVALID_REQUEST");
  });
});
