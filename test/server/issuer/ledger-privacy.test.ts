import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { decodeJwt } from "jose";
import { parseHex } from "../../../protocol/hex.js";
import { finalize } from "../../../protocol/token/blind.js";
import { loginAs } from "../../helpers/dev-login.js";
import { type IssuerFixture, startIssuerFixture } from "./fixture.js";
import { blindedRequest, loginThroughPopup, requestToken } from "./widget.js";

// What the issuer keeps must not link a citizen to a ballot: after a full issuance, the
// LevelDB files hold the voter key (an HMAC) and nothing else the voter sent or received.
describe("issuer: what the token ledger writes to disk", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("holds no blinded message, signature, token, voter address, subject, name, birthdate or session", async () => {
    const { id, publicKey } = fixture.ballots.add();
    const page = await loginThroughPopup(fixture, "citizen-camille");
    if (!page.message.ok) throw new Error(page.message.error.code);
    const session = page.message.session;
    const request = blindedRequest(id, publicKey);
    const response = await requestToken(fixture, { ballotId: id, session, blindedMessage: request.hex });
    const { blindSignature } = await response.json() as { blindSignature: string };
    const token = finalize(publicKey, request.message, blindSignature, request.inverse);
    // The provider's pairwise subject for this service, as the router saw it.
    const { authorizationUrl, attempt } = await fixture.identity.beginLogin();
    const subject = (await fixture.identity.completeLogin(await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri), attempt)).subject;
    const voterKey = decodeJwt(session).sub as string;

    await fixture.db.close();
    const files = await readdir(fixture.dbDir);
    const bytes = Buffer.concat(await Promise.all(files.map((f) => readFile(join(fixture.dbDir, f)))));
    const contains = (needle: string | Uint8Array) => bytes.includes(typeof needle === "string" ? Buffer.from(needle, "utf8") : Buffer.from(needle));

    // Positive control: the scan does see the records (LevelDB's log is not compressed).
    expect(contains(voterKey)).to.equal(true);
    const forbidden: Record<string, string | Uint8Array> = {
      blindedMessageBytes: request.blindedMessage,
      blindedMessageHex: request.hex.slice(2),
      blindSignatureBytes: parseHex(blindSignature, "blindSignature"),
      blindSignatureHex: blindSignature.slice(2),
      tokenBytes: token,
      voterAddress: request.voter.slice(2).toLowerCase(),
      voterAddressChecksum: request.voter.slice(2),
      subject,
      givenName: "Camille",
      familyName: "Martin",
      birthdate: "1980-03-14",
      birthdateCompact: "19800314",
      session,
      sessionPayload: session.split(".")[1] as string,
    };
    for (const [name, value] of Object.entries(forbidden)) expect(contains(value), name).to.equal(false);

    // Nor do the logs: no value at all besides event names and codes.
    const logged = JSON.stringify(fixture.logs);
    for (const [name, value] of Object.entries(forbidden)) {
      if (typeof value === "string") expect(logged.includes(value), `log: ${name}`).to.equal(false);
    }
    expect(logged.includes(voterKey)).to.equal(false);
    expect(logged.includes(`"${id}"`)).to.equal(false);
  });
});
