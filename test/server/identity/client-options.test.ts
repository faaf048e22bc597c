import { expect } from "chai";
import { createIdentityClient } from "../../../server/identity/oidc-client.js";
import { freePort } from "../../helpers/free-port.js";
import { expectIdentityError } from "./expect-error.js";
import { startDevIdentityProvider } from "../../../idp/provider.js";
import { CLIENT_A, startIdentityFixture } from "./fixture.js";

const base = { clientId: "c", clientSecret: "s".repeat(32), redirectUri: "https://vote.example.org/cb" };

describe("identity: createIdentityClient", () => {
  it("refuses an http issuer unless allowInsecureHttp is set", () => {
    expect(() => createIdentityClient({ ...base, discoveryUrl: "http://127.0.0.1:4010" })).to.throw(TypeError);
  });

  it("refuses allowInsecureHttp for anything but a loopback issuer", () => {
    expect(() => createIdentityClient({ ...base, discoveryUrl: "http://idp.example.org", allowInsecureHttp: true })).to.throw(TypeError);
    expect(() => createIdentityClient({ ...base, discoveryUrl: "http://10.0.0.1:4010", allowInsecureHttp: true })).to.throw(TypeError);
  });

  it("refuses scopes without openid", () => {
    expect(() => createIdentityClient({ ...base, discoveryUrl: "https://idp.example.org", scopes: ["given_name"] })).to.throw(TypeError);
  });

  it("reports an unreachable provider as ERR_LOGIN_FAILED, then retries discovery on the next login", async () => {
    const port = await freePort();
    const client = createIdentityClient({
      discoveryUrl: `http://127.0.0.1:${port}`,
      clientId: CLIENT_A.client_id,
      clientSecret: CLIENT_A.client_secret,
      redirectUri: CLIENT_A.redirect_uris[0] as string,
      allowInsecureHttp: true,
    });
    await expectIdentityError(client.beginLogin(), "ERR_LOGIN_FAILED");
    // The provider comes up on that port: the same client now works.
    const provider = await startDevIdentityProvider({ port, clients: [CLIENT_A], env: {} });
    try {
      const { authorizationUrl } = await client.beginLogin();
      expect(authorizationUrl.startsWith(provider.issuer)).to.equal(true);
    } finally {
      await provider.stop();
    }
  });

  it("refuses a provider whose discovery document names another issuer", async () => {
    const fixture = await startIdentityFixture();
    try {
      // Same server reached through another loopback name: the issuer no longer matches.
      const client = createIdentityClient({
        ...base,
        discoveryUrl: fixture.provider.issuer.replace("127.0.0.1", "localhost"),
        allowInsecureHttp: true,
      });
      await expectIdentityError(client.beginLogin(), "ERR_LOGIN_FAILED");
    } finally {
      await fixture.stop();
    }
  });
});
