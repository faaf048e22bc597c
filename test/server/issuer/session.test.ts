import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { issueSessionToken } from "../../../server/identity/session-token.js";
import { NOT_ALLOWED, type IssuerFixture, WIDGET_A, WIDGET_B, startIssuerFixture } from "./fixture.js";
import { blindedRequest, expectErrorResponse, requestToken, sessionFor } from "./widget.js";

// One `it` per attack on the session that authorizes a token request.
describe("issuer: token requests refuse a bad session", () => {
  let fixture: IssuerFixture;
  let ballot: ReturnType<IssuerFixture["ballots"]["add"]>;
  let session: string;
  before(async () => {
    fixture = await startIssuerFixture();
    ballot = fixture.ballots.add();
    session = await sessionFor(fixture, "citizen-camille", WIDGET_A);
  });
  after(async () => {
    await fixture.stop();
  });
  const blinded = () => blindedRequest(ballot.id, ballot.publicKey).hex;

  it("without a session (401 ERR_UNAUTHENTICATED, WWW-Authenticate: Bearer)", async () => {
    const response = await requestToken(fixture, { ballotId: ballot.id, blindedMessage: blinded() });
    expect(response.headers.get("www-authenticate")).to.match(/^Bearer /);
    await expectErrorResponse(response, 401, "ERR_UNAUTHENTICATED", "authorization");
  });

  it("with an expired session (401 ERR_SESSION_EXPIRED)", async () => {
    const expired = await issueSessionToken({
      key: fixture.sessionKey, audience: WIDGET_A, voterKey: "c".repeat(64), birthdate: "1980-03-14", now: new Date(Date.now() - 11 * 60 * 1000),
    });
    await expectErrorResponse(await requestToken(fixture, { ballotId: ballot.id, session: expired, blindedMessage: blinded() }), 401, "ERR_SESSION_EXPIRED", "session");
    expect(await fixture.ledger.has(ballot.id, "c".repeat(64))).to.equal(false);
  });

  it("with a session of widget A sent from widget B (401 ERR_SESSION_AUDIENCE)", async () => {
    fixture.widgetBBallots.add(ballot.id);
    const response = await requestToken(fixture, { ballotId: ballot.id, session, origin: WIDGET_B, blindedMessage: blinded() });
    await expectErrorResponse(response, 401, "ERR_SESSION_AUDIENCE", "session.aud");
  });

  it("with a session sent from an origin no organizer allows (403, no CORS headers)", async () => {
    const response = await requestToken(fixture, { ballotId: ballot.id, session, origin: NOT_ALLOWED, blindedMessage: blinded() });
    expect(response.headers.get("access-control-allow-origin")).to.equal(null);
    await expectErrorResponse(response, 403, "ERR_ORIGIN_NOT_ALLOWED", "origin");
    const preflight = await fetch(`${fixture.api}/v1/ballots/${ballot.id}/tokens`, {
      method: "OPTIONS", headers: { origin: NOT_ALLOWED, "access-control-request-method": "POST" },
    });
    expect(preflight.status).to.equal(403);
    expect(preflight.headers.get("access-control-allow-origin")).to.equal(null);
  });

  it("from a widget whose organizer does not run this ballot (403, even with its own session)", async () => {
    const other = fixture.ballots.add();
    const sessionOfB = await sessionFor(fixture, "citizen-odette", WIDGET_B);
    const response = await requestToken(fixture, { ballotId: other.id, session: sessionOfB, origin: WIDGET_B, blindedMessage: blindedRequest(other.id, other.publicKey).hex });
    expect(response.headers.get("access-control-allow-origin")).to.equal(null);
    await expectErrorResponse(response, 403, "ERR_ORIGIN_NOT_ALLOWED", "origin");
  });

  it("with a session sent without any Origin (a script, not the widget: 403)", async () => {
    await expectErrorResponse(await requestToken(fixture, { ballotId: ballot.id, session, origin: null, blindedMessage: blinded() }), 403, "ERR_ORIGIN_NOT_ALLOWED");
  });

  it("with a tampered signature (401 ERR_SESSION_INVALID)", async () => {
    const [header, payload, signature = ""] = session.split(".");
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    await expectErrorResponse(await requestToken(fixture, { ballotId: ballot.id, session: `${header}.${payload}.${flipped}`, blindedMessage: blinded() }), 401, "ERR_SESSION_INVALID");
  });

  it("with a tampered payload (an older birthdate, 401 ERR_SESSION_INVALID)", async () => {
    const [header, payload = "", signature] = session.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, birthdate: "1900-01-01" })).toString("base64url");
    await expectErrorResponse(await requestToken(fixture, { ballotId: ballot.id, session: `${header}.${forged}.${signature}`, blindedMessage: blinded() }), 401, "ERR_SESSION_INVALID");
  });

  it("with a session signed by another key (401 ERR_SESSION_INVALID)", async () => {
    const other = await issueSessionToken({ key: randomBytes(32), audience: WIDGET_A, voterKey: "d".repeat(64), birthdate: "1980-03-14" });
    await expectErrorResponse(await requestToken(fixture, { ballotId: ballot.id, session: other, blindedMessage: blinded() }), 401, "ERR_SESSION_INVALID");
  });

  it("and still serves the genuine session afterwards", async () => {
    expect((await requestToken(fixture, { ballotId: ballot.id, session, blindedMessage: blinded() })).status).to.equal(200);
  });
});
