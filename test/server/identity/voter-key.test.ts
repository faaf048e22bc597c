import { randomBytes, webcrypto } from "node:crypto";
import { expect } from "chai";
import { voterKey } from "../../../server/identity/voter-key.js";

const ISSUER = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2";

describe("identity: voterKey", () => {
  const secret = randomBytes(32);

  it("is HMAC-SHA256(secret, issuer|subject) in hex (checked against WebCrypto)", async () => {
    const hmacKey = await webcrypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const expected = Buffer.from(await webcrypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(`${ISSUER}|sub-1`))).toString("hex");
    expect(voterKey(secret, ISSUER, "sub-1")).to.equal(expected).and.match(/^[0-9a-f]{64}$/);
  });

  it("is stable for the same citizen and differs across subjects, issuers and secrets", () => {
    const key = voterKey(secret, ISSUER, "sub-1");
    expect(voterKey(secret, ISSUER, "sub-1")).to.equal(key);
    expect(voterKey(secret, ISSUER, "sub-2")).not.to.equal(key);
    expect(voterKey(secret, "http://127.0.0.1:4010", "sub-1")).not.to.equal(key);
    expect(voterKey(randomBytes(32), ISSUER, "sub-1")).not.to.equal(key);
  });

  it("refuses a secret shorter than 32 bytes, empty inputs, and a '|' in the issuer (ambiguous join)", () => {
    expect(() => voterKey(randomBytes(31), ISSUER, "sub")).to.throw(TypeError);
    expect(() => voterKey(secret, "", "sub")).to.throw(TypeError);
    expect(() => voterKey(secret, ISSUER, "")).to.throw(TypeError);
    expect(() => voterKey(secret, "https://a|b", "c")).to.throw(TypeError);
  });
});
