import { expect } from "chai";
import { decodeJwt } from "jose";
import { finalize } from "../../../protocol/token/blind.js";
import { verifyToken } from "../../../protocol/token/verify.js";
import { type IssuerFixture, WIDGET_A, startIssuerFixture } from "./fixture.js";
import { blindedRequest, loginThroughPopup, requestToken } from "./widget.js";

describe("issuer: one vote's token, end to end (popup login → blind → issue → finalize)", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("logs in through the popup, posts the session to the exact widget origin, and issues a token that verifies", async () => {
    const { id, publicKey } = fixture.ballots.add({ minimumAge: 18 });
    const page = await loginThroughPopup(fixture, "citizen-camille");

    // The callback page: postMessage to exactly the widget origin, strict CSP with a nonce.
    expect(page.response.status).to.equal(200);
    expect(page.targetOrigin).to.equal(WIDGET_A);
    expect(page.html).not.to.match(/postMessage\([^)]*['"]\*['"]/);
    const csp = page.response.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce, csp).to.be.a("string");
    expect(page.html).to.include(`<script nonce="${nonce}">`);
    expect(csp).to.include("default-src 'none'").and.include("frame-ancestors 'none'");
    expect(page.response.headers.get("cache-control")).to.equal("no-store");
    expect(page.response.headers.get("referrer-policy")).to.equal("no-referrer");
    expect(page.response.headers.get("location")).to.equal(null);

    if (!page.message.ok) throw new Error(page.message.error.code);
    expect(page.message.voter).to.deep.equal({ givenName: "Camille", familyName: "Martin", birthdate: "1980-03-14" });
    // The session carries the voter key and birthdate only: no name, no provider subject.
    const claims = decodeJwt(page.message.session);
    expect(claims.aud).to.equal(WIDGET_A);
    expect(claims.sub).to.match(/^[0-9a-f]{64}$/);
    expect(Object.keys(claims).sort()).to.deep.equal(["aud", "birthdate", "exp", "iat", "iss", "sub"]);
    expect(JSON.stringify(claims)).not.to.include("Camille").and.not.to.include("Martin");
    expect(page.message.expiresAt - Math.floor(Date.now() / 1000)).to.be.within(590, 600);

    const request = blindedRequest(id, publicKey);
    const response = await requestToken(fixture, { ballotId: id, session: page.message.session, blindedMessage: request.hex });
    expect(response.status).to.equal(200);
    expect(response.headers.get("access-control-allow-origin")).to.equal(WIDGET_A);
    expect(response.headers.get("cache-control")).to.equal("no-store");
    const { blindSignature } = await response.json() as { blindSignature: string };
    expect(blindSignature).to.match(/^0x[0-9a-f]{512}$/);

    const token = finalize(publicKey, request.message, blindSignature, request.inverse);
    expect(verifyToken(publicKey, request.message, token)).to.equal(true);
    expect(await fixture.ledger.issuedCount(id)).to.equal(1);
    expect(await fixture.ledger.has(id, claims.sub as string)).to.equal(true);
  });

  it("answers the CORS preflight for an allowed widget origin, with no credentials", async () => {
    const response = await fetch(`${fixture.api}/v1/ballots/1/tokens`, {
      method: "OPTIONS",
      headers: { origin: WIDGET_A, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(response.status).to.equal(204);
    expect(response.headers.get("access-control-allow-origin")).to.equal(WIDGET_A);
    expect(response.headers.get("access-control-allow-headers")).to.include("authorization");
    expect(response.headers.get("access-control-allow-credentials")).to.equal(null);
  });

  it("answers the same blind signature again when the same voter re-sends the same blinded message (lost answer)", async () => {
    const { id, publicKey } = fixture.ballots.add();
    const page = await loginThroughPopup(fixture, "citizen-odette");
    if (!page.message.ok) throw new Error(page.message.error.code);
    const request = blindedRequest(id, publicKey);
    const send = () => requestToken(fixture, { ballotId: id, session: page.message.ok ? page.message.session : "", blindedMessage: request.hex });
    const first = await (await send()).json() as { blindSignature: string };
    const again = await send();
    expect(again.status).to.equal(200);
    expect((await again.json() as { blindSignature: string }).blindSignature).to.equal(first.blindSignature);
    expect(await fixture.ledger.issuedCount(id)).to.equal(1);
  });

  it("logs event names and codes only", async () => {
    for (const { fields } of fixture.logs) {
      expect(Object.keys(fields).every((k) => k === "code")).to.equal(true, JSON.stringify(fields));
    }
  });
});
