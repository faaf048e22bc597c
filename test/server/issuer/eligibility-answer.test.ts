// POST /v1/ballots/:id/eligibility (no body): what the issuer would answer a voter, said on the
// identity screen before any choice (the widget says "no" early): not eligible by age at
// the close, a token already issued. It records nothing, answers only the session's own
// widget origin, and refuses what the token request refuses (no session, another origin,
// another widget's session, an unknown ballot).
import { expect } from "chai";
import { decodeJwt } from "jose";
import { type IssuerFixture, startIssuerFixture, WIDGET_A, WIDGET_B } from "./fixture.js";
import { blindedRequest, expectErrorResponse, requestToken, sessionFor } from "./widget.js";

describe("issuer: the eligibility answer, before any choice", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  const ask = (ballotId: bigint | string, session?: string, origin: string | null = WIDGET_A) => fetch(`${fixture.api}/v1/ballots/${ballotId}/eligibility`, {
    method: "POST",
    headers: { ...(session === undefined ? {} : { authorization: `Bearer ${session}` }), ...(origin === null ? {} : { origin }) },
  });

  it("says eligible with no token, then token issued once the voter has one; a minor is not eligible, and nothing is recorded", async () => {
    const { id, publicKey } = fixture.ballots.add({ minimumAge: 18 });
    const adult = await sessionFor(fixture, "citizen-camille");
    const before = await ask(id, adult);
    expect(before.status).to.equal(200);
    expect(before.headers.get("access-control-allow-origin")).to.equal(WIDGET_A);
    expect(before.headers.get("cache-control")).to.equal("no-store");
    expect(await before.json()).to.deep.equal({ eligibility: { eligible: true, tokenIssued: false } });
    expect(await fixture.ledger.issuedCount(id)).to.equal(0);
    expect((await requestToken(fixture, { ballotId: id, session: adult, blindedMessage: blindedRequest(id, publicKey).hex })).status).to.equal(200);
    // Another login of the same citizen (another browser): told before choosing.
    const again = await sessionFor(fixture, "citizen-camille");
    expect(await (await ask(id, again)).json()).to.deep.equal({ eligibility: { eligible: true, tokenIssued: true } });
    const minor = await sessionFor(fixture, "citizen-ines"); // born 2012
    expect(await (await ask(id, minor)).json()).to.deep.equal({ eligibility: { eligible: false, rule: "minimumAge", tokenIssued: false } });
    expect(await fixture.ledger.has(id, decodeJwt(minor).sub as string)).to.equal(false);
    expect(await fixture.ledger.issuedCount(id)).to.equal(1);
  });

  it("refuses no session, another origin, a session of another widget origin, and an unknown ballot", async () => {
    const { id } = fixture.ballots.add();
    const session = await sessionFor(fixture, "citizen-lucas");
    await expectErrorResponse(await ask(id), 401, "ERR_UNAUTHENTICATED", "authorization");
    await expectErrorResponse(await ask(id, session, "https://stranger.example"), 403, "ERR_ORIGIN_NOT_ALLOWED", "origin");
    await expectErrorResponse(await ask(id, session, null), 403, "ERR_ORIGIN_NOT_ALLOWED", "origin");
    await expectErrorResponse(await ask(987654n, session), 404, "ERR_BALLOT_NOT_FOUND", "ballotId");
    // A session made for widget A, asked from widget B (allowed for this ballot): its audience is A.
    fixture.widgetBBallots.add(id);
    expect((await ask(id, session, WIDGET_B)).status).to.equal(401);
    // A preflight from the widget is answered for POST, from anyone else refused.
    const preflight = await fetch(`${fixture.api}/v1/ballots/${id}/eligibility`, { method: "OPTIONS", headers: { origin: WIDGET_A, "access-control-request-method": "POST", "access-control-request-headers": "authorization" } });
    expect([preflight.status, preflight.headers.get("access-control-allow-methods")]).to.deep.equal([204, "POST"]);
    expect((await fetch(`${fixture.api}/v1/ballots/${id}/eligibility`, { method: "OPTIONS", headers: { origin: "https://stranger.example" } })).status).to.equal(403);
  });
});
