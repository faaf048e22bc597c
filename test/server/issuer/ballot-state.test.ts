import { expect } from "chai";
import { type IssuerFixture, startIssuerFixture } from "./fixture.js";
import { blindedRequest, expectErrorResponse, requestToken, sessionFor } from "./widget.js";

const HOUR = 3600 * 1000;

describe("issuer: token requests for a ballot that cannot issue", () => {
  let fixture: IssuerFixture;
  let session: string;
  before(async () => {
    fixture = await startIssuerFixture();
    session = await sessionFor(fixture, "citizen-camille");
  });
  after(async () => {
    await fixture.stop();
  });
  const ask = (ballot: { id: bigint; publicKey: Parameters<typeof blindedRequest>[1] }) =>
    requestToken(fixture, { ballotId: ballot.id, session, blindedMessage: blindedRequest(ballot.id, ballot.publicKey).hex });

  it("that does not exist (404 ERR_BALLOT_NOT_FOUND), or whose id is not a canonical uint256", async () => {
    const known = fixture.ballots.add();
    for (const id of ["999", "01", "-1", "abc", `1${"0".repeat(78)}`]) {
      const response = await requestToken(fixture, { ballotId: id, session, blindedMessage: blindedRequest(known.id, known.publicKey).hex });
      await expectErrorResponse(response, 404, "ERR_BALLOT_NOT_FOUND", "ballotId");
    }
  });

  it("past its closing time (409 ERR_BALLOT_CLOSED)", async () => {
    const ballot = fixture.ballots.add({ opensAt: new Date(Date.now() - 2 * HOUR), closesAt: new Date(Date.now() - HOUR) });
    await expectErrorResponse(await ask(ballot), 409, "ERR_BALLOT_CLOSED", "ballotId");
  });

  it("closed early by its organizer (409 ERR_BALLOT_CLOSED)", async () => {
    const ballot = fixture.ballots.add();
    fixture.ballots.closeEarly(ballot.id);
    await expectErrorResponse(await ask(ballot), 409, "ERR_BALLOT_CLOSED");
  });

  it("whose issuance the ledger closed, even if the directory still says open (409 ERR_BALLOT_CLOSED)", async () => {
    const ballot = fixture.ballots.add();
    expect(await fixture.ledger.close(ballot.id)).to.equal(0);
    await expectErrorResponse(await ask(ballot), 409, "ERR_BALLOT_CLOSED");
  });

  it("not open yet (409 ERR_BALLOT_NOT_OPEN)", async () => {
    const ballot = fixture.ballots.add({ opensAt: new Date(Date.now() + HOUR) });
    await expectErrorResponse(await ask(ballot), 409, "ERR_BALLOT_NOT_OPEN");
  });
});
