import { expect } from "chai";
import { decodeJwt } from "jose";
import { finalize } from "../../../protocol/token/blind.js";
import { type IssuerFixture, startIssuerFixture } from "./fixture.js";
import { blindedRequest, expectErrorResponse, requestToken, sessionFor } from "./widget.js";

// Decision: a session is per voter, not per ballot. It may ask for one token on each open
// ballot; the ledger is what enforces one per ballot.
describe("issuer: one session, several ballots", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("issues one token per ballot to the same session, and the ledger counts per ballot", async () => {
    const first = fixture.ballots.add();
    const second = fixture.ballots.add();
    const untouched = fixture.ballots.add();
    const session = await sessionFor(fixture, "citizen-camille");
    for (const ballot of [first, second]) {
      const response = await requestToken(fixture, { ballotId: ballot.id, session, blindedMessage: blindedRequest(ballot.id, ballot.publicKey).hex });
      expect(response.status).to.equal(200);
    }
    // Still one per ballot.
    await expectErrorResponse(await requestToken(fixture, { ballotId: second.id, session, blindedMessage: blindedRequest(second.id, second.publicKey).hex }), 409, "ERR_TOKEN_ALREADY_ISSUED");
    const voter = decodeJwt(session).sub as string;
    expect(await fixture.ledger.issuedCount(first.id)).to.equal(1);
    expect(await fixture.ledger.issuedCount(second.id)).to.equal(1);
    expect(await fixture.ledger.issuedCount(untouched.id)).to.equal(0);
    expect(await fixture.ledger.has(untouched.id, voter)).to.equal(false);
  });

  it("gives no token for ballot 1 from a request on ballot 2 (the answer does not finalize under ballot 1's key)", async () => {
    // A blinded message is uniform mod n: the issuer cannot tell which ballot it was made
    // for. Signing it under ballot 2's key gives a value that does not finalize under
    // ballot 1's key, so no token for ballot 1 comes out of a request on ballot 2.
    const one = fixture.ballots.add();
    const two = fixture.ballots.add();
    const session = await sessionFor(fixture, "citizen-odette");
    const request = blindedRequest(one.id, one.publicKey);
    const response = await requestToken(fixture, { ballotId: two.id, session, blindedMessage: request.hex });
    if (response.status === 400) {
      await expectErrorResponse(response, 400, "ERR_INVALID_BLINDED_MESSAGE", "blindedMessage");
      return;
    }
    expect(response.status).to.equal(200);
    const { blindSignature } = await response.json() as { blindSignature: string };
    let refused = false;
    try {
      finalize(one.publicKey, request.message, blindSignature, request.inverse);
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
  });
});
