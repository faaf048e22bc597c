import { expect } from "chai";
import { type IssuerFixture, WIDGET_A, startIssuerFixture } from "./fixture.js";
import { blindedRequest, expectErrorResponse, openLoginPopup, requestToken, sessionFor } from "./widget.js";

const SLOW = 60 * 60 * 1000; // one more request an hour: nothing refills during the test

describe("issuer: rate limits", () => {
  describe("on login, per IP", () => {
    let fixture: IssuerFixture;
    before(async () => {
      fixture = await startIssuerFixture({ rateLimits: { loginPerIp: { capacity: 2, refillMs: SLOW } } });
    });
    after(async () => {
      await fixture.stop();
    });

    it("answers 429 ERR_RATE_LIMITED with Retry-After once the bucket is empty", async () => {
      for (let i = 0; i < 2; i++) {
        const ok = await openLoginPopup(fixture, WIDGET_A);
        expect(ok.status).to.equal(303);
      }
      const limited = await openLoginPopup(fixture, WIDGET_A);
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers.get("retry-after"))).to.be.within(1, 3600);
      expect(limited.headers.get("location")).to.equal(null);
    });
  });

  describe("on issuance, per voter", () => {
    let fixture: IssuerFixture;
    before(async () => {
      fixture = await startIssuerFixture({ rateLimits: { issuancePerVoter: { capacity: 2, refillMs: SLOW } } });
    });
    after(async () => {
      await fixture.stop();
    });

    it("answers 429 with Retry-After after two requests, even with a fresh session of the same voter", async () => {
      const ballot = fixture.ballots.add();
      const send = (session: string) => requestToken(fixture, { ballotId: ballot.id, session, blindedMessage: blindedRequest(ballot.id, ballot.publicKey).hex });
      const session = await sessionFor(fixture, "citizen-camille");
      expect((await send(session)).status).to.equal(200);
      expect((await send(session)).status).to.equal(409);
      const limited = await send(await sessionFor(fixture, "citizen-camille"));
      expect(Number(limited.headers.get("retry-after"))).to.be.within(1, 3600);
      // Still readable by the widget: the answer carries its CORS header.
      expect(limited.headers.get("access-control-allow-origin")).to.equal(WIDGET_A);
      await expectErrorResponse(limited, 429, "ERR_RATE_LIMITED");
      // Another voter is not affected.
      expect((await send(await sessionFor(fixture, "citizen-odette"))).status).to.equal(200);
    });
  });

  describe("on issuance, per IP", () => {
    let fixture: IssuerFixture;
    before(async () => {
      fixture = await startIssuerFixture({ rateLimits: { issuancePerIp: { capacity: 3, refillMs: SLOW } } });
    });
    after(async () => {
      await fixture.stop();
    });

    it("answers 429 before even reading the session once the address's bucket is empty", async () => {
      const ballot = fixture.ballots.add();
      for (let i = 0; i < 3; i++) await (await requestToken(fixture, { ballotId: ballot.id, session: "x", blindedMessage: "0x" })).body?.cancel();
      const limited = await requestToken(fixture, { ballotId: ballot.id, session: "x", blindedMessage: "0x" });
      expect(limited.headers.get("retry-after")).to.be.a("string");
      await expectErrorResponse(limited, 429, "ERR_RATE_LIMITED");
    });
  });
});
