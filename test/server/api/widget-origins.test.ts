// Regression tests from the review of the assembled API: a token for a ballot is served only
// to the widget origins of the app that owns that ballot (any registered app's origin was
// accepted before), and a malformed request is a coded 4xx, never a 500.
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
    const created = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { question: "Pour ou contre ?", closesAt: inSeconds(3600) } });
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

  it("refuses a token for app B's ballot to app A's widget", async () => {
    const answer = await requestToken(SITE_A);
    expect(answer.status).to.equal(403);
    expect(answer.body.error.code).to.equal("ERR_ORIGIN_NOT_ALLOWED");
  });

  it("serves it to app B's own widget", async () => {
    const answer = await requestToken(SITE_B);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.blindSignature).to.match(/^0x[0-9a-f]{512}$/);
  });

  it("answers a route parameter with broken %-encoding with a coded 400", async () => {
    const answer = await call(stack, "GET", "/v1/ballots/%E0%A4%A/results");
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal("ERR_INVALID_REQUEST");
  });
});
