import { expect } from "chai";
import { bigIntToBytes, toHex } from "../../../protocol/hex.js";
import { type IssuerFixture, WIDGET_A, startIssuerFixture } from "./fixture.js";
import { blindedRequest, expectErrorResponse, requestToken, sessionFor } from "./widget.js";

// A malformed blinded message is refused BEFORE anything is recorded: it must not spend
// the voter's one token for the ballot.
describe("issuer: token requests refuse a bad blinded message", () => {
  let fixture: IssuerFixture;
  let ballot: ReturnType<IssuerFixture["ballots"]["add"]>;
  let session: string;
  before(async () => {
    fixture = await startIssuerFixture();
    ballot = fixture.ballots.add();
    session = await sessionFor(fixture, "citizen-camille");
  });
  after(async () => {
    await fixture.stop();
  });
  const send = (blindedMessage: unknown) => requestToken(fixture, { ballotId: ballot.id, session, blindedMessage });
  const refused = async (blindedMessage: unknown) =>
    expectErrorResponse(await send(blindedMessage), 400, "ERR_INVALID_BLINDED_MESSAGE", "blindedMessage");

  it("equal to n", async () => {
    await refused(toHex(bigIntToBytes(ballot.publicKey.n, 256)));
  });

  it("greater than n (all ones)", async () => {
    await refused(`0x${"ff".repeat(256)}`);
  });

  it("zero", async () => {
    await refused(`0x${"00".repeat(256)}`);
  });

  it("255 bytes (too short)", async () => {
    await refused(`0x${"01".repeat(255)}`);
  });

  it("257 bytes (too long, even with a leading zero)", async () => {
    await refused(`0x00${blindedRequest(ballot.id, ballot.publicKey).hex.slice(2)}`);
  });

  it("not hex, missing, or not a string", async () => {
    await refused(`0x${"zz".repeat(256)}`);
    await refused(blindedRequest(ballot.id, ballot.publicKey).hex.slice(2));
    await refused(undefined);
    await refused(Array.from({ length: 256 }, () => 1));
  });

  it("in a body that is not UTF-8 JSON: 415 naming content-type, or 400 ERR_INVALID_JSON", async () => {
    const post = (body: string | Uint8Array<ArrayBuffer>, contentType: string) => fetch(`${fixture.api}/v1/ballots/${ballot.id}/tokens`, {
      method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${session}`, origin: WIDGET_A }, body,
    });
    const good = JSON.stringify({ blindedMessage: blindedRequest(ballot.id, ballot.publicKey).hex });
    await expectErrorResponse(await post(good, "text/plain"), 415, "ERR_UNSUPPORTED_MEDIA_TYPE", "content-type");
    await expectErrorResponse(await post(good, "application/json; charset=utf-16"), 415, "ERR_UNSUPPORTED_MEDIA_TYPE", "content-type");
    const notUtf8 = Buffer.concat([Buffer.from(good.slice(0, -2)), Buffer.from([0xff]), Buffer.from('"}')]);
    await expectErrorResponse(await post(notUtf8, "application/json"), 400, "ERR_INVALID_JSON", "body");
  });

  it("and has recorded nothing: the voter still gets their token", async () => {
    expect(await fixture.ledger.issuedCount(ballot.id)).to.equal(0);
    expect((await send(blindedRequest(ballot.id, ballot.publicKey).hex)).status).to.equal(200);
  });
});
