import { expect } from "chai";
import { type IssuerFixture, startIssuerFixture } from "./fixture.js";
import { blindedRequest, expectErrorResponse, requestToken, sessionFor } from "./widget.js";

describe("issuer: one token per voter per ballot", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("refuses a second token for the same voter and ballot (another blinded message) with 409", async () => {
    const { id, publicKey } = fixture.ballots.add();
    const session = await sessionFor(fixture, "citizen-camille");
    expect((await requestToken(fixture, { ballotId: id, session, blindedMessage: blindedRequest(id, publicKey).hex })).status).to.equal(200);
    const second = await requestToken(fixture, { ballotId: id, session, blindedMessage: blindedRequest(id, publicKey).hex });
    await expectErrorResponse(second, 409, "ERR_TOKEN_ALREADY_ISSUED", "ballotId");
    expect(await fixture.ledger.issuedCount(id)).to.equal(1);
  });

  it("refuses it after a new login too (the voter key, not the session, is what counts)", async () => {
    const { id, publicKey } = fixture.ballots.add();
    const first = await sessionFor(fixture, "citizen-lucas");
    expect((await requestToken(fixture, { ballotId: id, session: first, blindedMessage: blindedRequest(id, publicKey).hex })).status).to.equal(200);
    const again = await sessionFor(fixture, "citizen-lucas");
    await expectErrorResponse(await requestToken(fixture, { ballotId: id, session: again, blindedMessage: blindedRequest(id, publicKey).hex }), 409, "ERR_TOKEN_ALREADY_ISSUED");
  });

  it("issues exactly one token out of 10 concurrent requests with different blinded messages", async () => {
    const { id, publicKey } = fixture.ballots.add();
    const session = await sessionFor(fixture, "citizen-odette");
    const responses = await Promise.all(Array.from({ length: 10 }, () =>
      requestToken(fixture, { ballotId: id, session, blindedMessage: blindedRequest(id, publicKey).hex })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([200, ...Array(9).fill(409)]);
    for (const response of responses.filter((r) => r.status === 409)) await expectErrorResponse(response, 409, "ERR_TOKEN_ALREADY_ISSUED");
    expect(await fixture.ledger.issuedCount(id)).to.equal(1);
  });

  it("answers 10 concurrent copies of the same blinded message with the same signature, recording one token", async () => {
    const { id, publicKey } = fixture.ballots.add();
    const session = await sessionFor(fixture, "citizen-camille");
    const { hex } = blindedRequest(id, publicKey);
    const responses = await Promise.all(Array.from({ length: 10 }, () => requestToken(fixture, { ballotId: id, session, blindedMessage: hex })));
    expect(responses.map((r) => r.status)).to.deep.equal(Array(10).fill(200));
    const signatures = new Set(await Promise.all(responses.map(async (r) => (await r.json() as { blindSignature: string }).blindSignature)));
    expect(signatures.size).to.equal(1);
    expect(await fixture.ledger.issuedCount(id)).to.equal(1);
  });
});
