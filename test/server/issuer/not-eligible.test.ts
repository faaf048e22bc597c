import { expect } from "chai";
import { decodeJwt } from "jose";
import { type IssuerFixture, startIssuerFixture } from "./fixture.js";
import { blindedRequest, expectErrorResponse, requestToken, sessionFor } from "./widget.js";

describe("issuer: eligibility", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("refuses a minor on an 18+ ballot (403 ERR_NOT_ELIGIBLE) and records nothing", async () => {
    const { id, publicKey } = fixture.ballots.add({ minimumAge: 18 });
    const session = await sessionFor(fixture, "citizen-ines"); // born 2012
    const response = await requestToken(fixture, { ballotId: id, session, blindedMessage: blindedRequest(id, publicKey).hex });
    await expectErrorResponse(response, 403, "ERR_NOT_ELIGIBLE", "birthdate");
    expect(await fixture.ledger.issuedCount(id)).to.equal(0);
    expect(await fixture.ledger.has(id, decodeJwt(session).sub as string)).to.equal(false);
  });

  it("judges age on the closing date: old enough on the close is enough, a day later is not", async () => {
    // citizen-lucas is born 2007-05-09: 20 on 2027-05-09, read on the Paris calendar.
    const onBirthday = fixture.ballots.add({ minimumAge: 20, closesAt: new Date("2027-05-09T12:00:00Z") });
    const dayBefore = fixture.ballots.add({ minimumAge: 20, closesAt: new Date("2027-05-08T12:00:00Z") });
    const session = await sessionFor(fixture, "citizen-lucas");
    const ok = await requestToken(fixture, { ballotId: onBirthday.id, session, blindedMessage: blindedRequest(onBirthday.id, onBirthday.publicKey).hex });
    expect(ok.status).to.equal(200);
    const refused = await requestToken(fixture, { ballotId: dayBefore.id, session, blindedMessage: blindedRequest(dayBefore.id, dayBefore.publicKey).hex });
    await expectErrorResponse(refused, 403, "ERR_NOT_ELIGIBLE", "birthdate");
  });
});
