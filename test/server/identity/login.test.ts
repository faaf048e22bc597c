import { expect } from "chai";
import { loginAs } from "../../helpers/dev-login.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: login with the embedded provider", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("sends PKCE S256, state, nonce and acr_values=eidas1, and keeps the verifier out of the URL", async () => {
    const { authorizationUrl, attempt } = await fixture.client("a").beginLogin();
    const params = new URL(authorizationUrl).searchParams;
    expect(params.get("response_type")).to.equal("code");
    expect(params.get("scope")).to.equal("openid given_name family_name birthdate");
    expect(params.get("acr_values")).to.equal("eidas1");
    expect(params.get("code_challenge_method")).to.equal("S256");
    expect(params.get("state")).to.equal(attempt.state);
    expect(params.get("nonce")).to.equal(attempt.nonce);
    expect(authorizationUrl).not.to.include(attempt.codeVerifier);
    expect(params.get("code_challenge")).to.be.a("string").and.not.equal(attempt.codeVerifier);
    expect(attempt.expiresAt).to.be.greaterThan(Date.now());
  });

  it("returns the verified identity of the chosen demo citizen, at level eidas1", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    expect(callback.searchParams.get("state")).to.equal(attempt.state);

    const identity = await client.completeLogin(callback, attempt);
    expect(identity).to.deep.include({
      issuer: fixture.provider.issuer,
      givenName: "Camille",
      familyName: "Martin",
      birthdate: "1980-03-14",
      acr: "eidas1",
    });
    // Pairwise: never the provider's internal account id.
    expect(identity.subject).to.match(/^[0-9a-f]{64}$/);
    expect(identity.subject).not.to.include("citizen-camille");
  });

  it("gives the same citizen the same subject at the same service on every login", async () => {
    const subjects = [];
    for (let i = 0; i < 2; i++) {
      const client = fixture.client("a");
      const { authorizationUrl, attempt } = await client.beginLogin();
      subjects.push((await client.completeLogin(await loginAs(authorizationUrl, "citizen-lucas", fixture.redirectUri("a")), attempt)).subject);
    }
    expect(subjects[0]).to.equal(subjects[1]);
  });

  it("gives the same citizen different subjects at services of different sectors (pairwise)", async () => {
    const subjects: Record<string, string> = {};
    for (const which of ["a", "b"] as const) {
      const client = fixture.client(which);
      const { authorizationUrl, attempt } = await client.beginLogin();
      const identity = await client.completeLogin(await loginAs(authorizationUrl, "citizen-odette", fixture.redirectUri(which)), attempt);
      expect(identity.familyName).to.equal("Lefèvre");
      subjects[which] = identity.subject;
    }
    expect(subjects.a).not.to.equal(subjects.b);
  });

  it("gives different citizens different subjects", async () => {
    const subjects = [];
    for (const citizen of ["citizen-camille", "citizen-ines"]) {
      const client = fixture.client("a");
      const { authorizationUrl, attempt } = await client.beginLogin();
      subjects.push((await client.completeLogin(await loginAs(authorizationUrl, citizen, fixture.redirectUri("a")), attempt)).subject);
    }
    expect(subjects[0]).not.to.equal(subjects[1]);
  });
});
