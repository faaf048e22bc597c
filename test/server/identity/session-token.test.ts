import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { SignJWT, UnsecuredJWT, decodeProtectedHeader } from "jose";
import { SESSION_TOKEN_TYPE, issueSessionToken, verifySessionToken } from "../../../server/identity/session-token.js";
import { expectIdentityError } from "./expect-error.js";

const WIDGET = "https://vote.example.org";
const VOTER_KEY = "a".repeat(64);

describe("identity: session token", () => {
  const key = randomBytes(32);
  const issue = (overrides: Partial<Parameters<typeof issueSessionToken>[0]> = {}) =>
    issueSessionToken({ key, audience: WIDGET, voterKey: VOTER_KEY, birthdate: "1980-03-14", ...overrides });

  it("round-trips the voter key and birthdate, typed and signed HS256, for ten minutes by default", async () => {
    const token = await issue();
    expect(decodeProtectedHeader(token)).to.deep.equal({ alg: "HS256", typ: SESSION_TOKEN_TYPE });
    const session = await verifySessionToken(token, { key, audience: WIDGET });
    expect(session.voterKey).to.equal(VOTER_KEY);
    expect(session.birthdate).to.equal("1980-03-14");
    expect(session.expiresAt - Math.floor(Date.now() / 1000)).to.be.within(598, 600);
  });

  it("refuses misuse by the caller with a TypeError (short key, bad voter key)", async () => {
    let error: unknown;
    try { await issue({ key: randomBytes(16) }); } catch (e) { error = e; }
    expect(error).to.be.instanceOf(TypeError);
    error = undefined;
    try { await issue({ voterKey: "not-hex" }); } catch (e) { error = e; }
    expect(error).to.be.instanceOf(TypeError);
  });

  describe("rejects", () => {
    it("a token issued for another audience (another widget origin)", async () => {
      const token = await issue({ audience: "https://evil.example.net" });
      await expectIdentityError(verifySessionToken(token, { key, audience: WIDGET }), "ERR_SESSION_AUDIENCE", "session.aud");
    });

    it("an expired token", async () => {
      const token = await issue({ now: new Date(Date.now() - 11 * 60 * 1000) });
      await expectIdentityError(verifySessionToken(token, { key, audience: WIDGET }), "ERR_SESSION_EXPIRED", "session");
    });

    it("a token whose signature was tampered with", async () => {
      const token = await issue();
      const [header, payload, signature = ""] = token.split(".");
      const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
      await expectIdentityError(verifySessionToken(`${header}.${payload}.${flipped}`, { key, audience: WIDGET }), "ERR_SESSION_INVALID");
    });

    it("a token whose payload was changed (another voter key)", async () => {
      const token = await issue();
      const [header, , signature] = token.split(".");
      const other = (await issue({ voterKey: "b".repeat(64) })).split(".")[1];
      await expectIdentityError(verifySessionToken(`${header}.${other}.${signature}`, { key, audience: WIDGET }), "ERR_SESSION_INVALID");
    });

    it("an unsigned token (alg none)", async () => {
      const token = new UnsecuredJWT({ birthdate: "1980-03-14" })
        .setIssuer("urne").setAudience(WIDGET).setSubject(VOTER_KEY).setIssuedAt().setExpirationTime("10m").encode();
      await expectIdentityError(verifySessionToken(token, { key, audience: WIDGET }), "ERR_SESSION_INVALID");
    });

    it("a token signed with another key", async () => {
      const token = await issue({ key: randomBytes(32) });
      await expectIdentityError(verifySessionToken(token, { key, audience: WIDGET }), "ERR_SESSION_INVALID");
    });

    it("a JWT signed with the right key but not typed as a session", async () => {
      const token = await new SignJWT({ birthdate: "1980-03-14" }).setProtectedHeader({ alg: "HS256" })
        .setIssuer("urne").setAudience(WIDGET).setSubject(VOTER_KEY).setIssuedAt().setExpirationTime("10m").sign(key);
      await expectIdentityError(verifySessionToken(token, { key, audience: WIDGET }), "ERR_SESSION_INVALID");
    });

    it("a token from another issuer", async () => {
      const token = await issue({ issuer: "someone-else" });
      await expectIdentityError(verifySessionToken(token, { key, audience: WIDGET }), "ERR_SESSION_INVALID");
    });

    it("something that is not a JWT", async () => {
      await expectIdentityError(verifySessionToken("not.a.jwt", { key, audience: WIDGET }), "ERR_SESSION_INVALID");
    });
  });
});
