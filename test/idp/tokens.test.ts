import { expect } from "chai";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { CustomFetch } from "openid-client";
import { loginAs } from "../helpers/dev-login.js";
import { type IdentityFixture, startIdentityFixture } from "../server/identity/fixture.js";

// What the provider hands a relying party, read off the wire, to check it behaves like
// FranceConnect v2: identity claims only in the signed userinfo, acr and pairwise sub in
// the ID token.

describe("idp: tokens and userinfo", () => {
  let fixture: IdentityFixture;
  const seen: { idToken?: string; userinfo?: { contentType: string | null; body: string } } = {};
  before(async () => {
    fixture = await startIdentityFixture();
    const record: CustomFetch = async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      const path = new URL(url).pathname;
      if (path === "/token") seen.idToken = ((await response.clone().json()) as { id_token: string }).id_token;
      if (path === "/me") seen.userinfo = { contentType: response.headers.get("content-type"), body: await response.clone().text() };
      return response;
    };
    const client = fixture.client("a", { fetch: record });
    const { authorizationUrl, attempt } = await client.beginLogin();
    await client.completeLogin(await loginAs(authorizationUrl, "citizen-ines", fixture.redirectUri("a")), attempt);
  });
  after(async () => {
    await fixture.stop();
  });

  it("signs the ID token RS256 with acr eidas1, a pairwise sub, the nonce, and a short life", () => {
    expect(decodeProtectedHeader(seen.idToken as string).alg).to.equal("RS256");
    const claims = decodeJwt(seen.idToken as string);
    expect(claims).to.include({ acr: "eidas1", aud: "urne-test-a", iss: fixture.provider.issuer });
    expect(claims.sub).to.match(/^[0-9a-f]{64}$/);
    expect(claims.nonce).to.be.a("string");
    expect((claims.exp as number) - (claims.iat as number)).to.be.at.most(60);
    // As at FranceConnect, identity attributes travel in the userinfo answer only.
    expect(claims).not.to.have.property("given_name");
    expect(claims).not.to.have.property("birthdate");
  });

  it("answers userinfo as a signed JWT holding only the requested claims", () => {
    expect(seen.userinfo?.contentType).to.match(/^application\/jwt/);
    const claims = decodeJwt(seen.userinfo?.body as string);
    expect(claims).to.include({ given_name: "Inès", family_name: "Petit", birthdate: "2012-09-30" });
    // Not requested (scope openid given_name family_name birthdate): not sent.
    for (const claim of ["email", "gender", "birthplace", "birthcountry", "preferred_username"]) expect(claims).not.to.have.property(claim);
  });
});
