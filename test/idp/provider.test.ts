import { randomBytes } from "node:crypto";
import net from "node:net";
import { expect } from "chai";
import { DEMO_CITIZENS } from "../../idp/citizens.js";
import { DEV_BANNER } from "../../idp/login-page.js";
import { DEV_SCOPES, type DevIdentityProvider, startDevIdentityProvider } from "../../idp/provider.js";
import { freePort } from "../helpers/free-port.js";
import { openLoginPage } from "../helpers/dev-login.js";
import { TestBrowser } from "../helpers/test-browser.js";

const CLIENT = {
  client_id: "urne-idp-test",
  client_secret: randomBytes(32).toString("base64url"),
  redirect_uris: ["https://vote.example.org/v1/identity/callback"],
};
const REDIRECT = CLIENT.redirect_uris[0] as string;

/** A well-formed authorization request, with parameters to change or drop (undefined). */
function authorizationUrl(issuer: string, overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid given_name family_name birthdate",
    state: "state-123",
    nonce: "nonce-123",
    acr_values: "eidas1",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    ...overrides,
  };
  const url = new URL("/auth", issuer);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

describe("idp: the embedded development provider", () => {
  let provider: DevIdentityProvider;
  before(async () => {
    provider = await startDevIdentityProvider({ port: 0, clients: [CLIENT], env: {} });
  });
  after(async () => {
    await provider.stop();
  });

  it("binds to 127.0.0.1 by default", () => {
    expect(new URL(provider.issuer).hostname).to.equal("127.0.0.1");
  });

  it("publishes a FranceConnect-like discovery document", async () => {
    const response = await fetch(new URL("/.well-known/openid-configuration", provider.issuer));
    expect(response.status).to.equal(200);
    const doc = (await response.json()) as Record<string, unknown>;
    expect(doc.issuer).to.equal(provider.issuer);
    expect(doc.response_types_supported).to.deep.equal(["code"]);
    expect(doc.code_challenge_methods_supported).to.deep.equal(["S256"]);
    expect(doc.subject_types_supported).to.deep.equal(["pairwise"]);
    expect(doc.acr_values_supported).to.deep.equal(["eidas1"]);
    expect(doc.scopes_supported).to.include.members(["openid", ...DEV_SCOPES]);
    expect(doc.claims_supported).to.include.members(["sub", "acr", ...DEV_SCOPES]);
    expect(doc.id_token_signing_alg_values_supported).to.include("RS256");
    expect(doc.userinfo_signing_alg_values_supported).to.include("RS256");
    expect(doc).not.to.have.property("registration_endpoint");
  });

  it("publishes its signing key as a public RSA key only", async () => {
    const doc = (await (await fetch(new URL("/.well-known/openid-configuration", provider.issuer))).json()) as { jwks_uri: string };
    const { keys } = (await (await fetch(doc.jwks_uri)).json()) as { keys: Record<string, unknown>[] };
    expect(keys).to.have.length(1);
    expect(keys[0]).to.include({ kty: "RSA", alg: "RS256", use: "sig" });
    for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(keys[0]).not.to.have.property(secret);
  });

  it("shows a login page marked as development, with one labelled button per demo citizen", async () => {
    const page = await openLoginPage(authorizationUrl(provider.issuer), REDIRECT);
    expect(page.html).to.include('<html lang="fr">');
    expect(page.html).to.include(DEV_BANNER.replace("'", "&#39;"));
    for (const citizen of DEMO_CITIZENS) {
      const button = new RegExp(`<button type="submit" name="citizen" value="${citizen.id}">Se connecter en tant qu[^<]*${citizen.family_name}[^<]*</button>`);
      expect(page.html).to.match(button);
    }
    expect(page.html).to.match(/<form method="post" action="\/interaction\/[^"]+\/login">/);
  });

  it("refuses an authorization request without PKCE", async () => {
    const { url } = await new TestBrowser().follow(authorizationUrl(provider.issuer, { code_challenge: undefined, code_challenge_method: undefined }), REDIRECT);
    expect(url.searchParams.get("error")).to.equal("invalid_request");
    expect(url.searchParams.get("state")).to.equal("state-123");
  });

  it("refuses the plain PKCE method", async () => {
    const { url } = await new TestBrowser().follow(authorizationUrl(provider.issuer, { code_challenge_method: "plain" }), REDIRECT);
    expect(url.searchParams.get("error")).to.equal("invalid_request");
  });

  it("refuses a redirect URI that was not registered, without redirecting to it", async () => {
    const { response } = await new TestBrowser().follow(authorizationUrl(provider.issuer, { redirect_uri: "https://evil.example.net/cb" }), "https://evil.example.net/");
    expect(response?.status).to.equal(400);
  });

  it("refuses a login form posted without the login's cookie (cross-site request)", async () => {
    const page = await openLoginPage(authorizationUrl(provider.issuer), REDIRECT);
    const response = await new TestBrowser().request(page.loginAction, { form: { citizen: DEMO_CITIZENS[0]!.id } });
    expect(response.status).to.equal(400);
    expect(response.headers.get("location")).to.equal(null);
  });

  it("refuses a citizen that is not on the page", async () => {
    const page = await openLoginPage(authorizationUrl(provider.issuer), REDIRECT);
    const response = await page.browser.request(page.loginAction, { form: { citizen: "nobody" } });
    expect(response.status).to.equal(400);
  });
});

describe("idp: startDevIdentityProvider › refuses to start in production", () => {
  for (const env of [{ NODE_ENV: "production" }, { URNE_ENV: "production" }]) {
    it(`when ${Object.keys(env)[0]} is "production", before binding its port`, async () => {
      const port = await freePort();
      let error: unknown;
      try {
        const started = await startDevIdentityProvider({ port, clients: [CLIENT], env });
        await started.stop();
      } catch (e) {
        error = e;
      }
      expect(error).to.have.property("code", "ERR_DEV_IDP_IN_PRODUCTION");
      // The port is still free: nothing was bound.
      await new Promise<void>((resolve, reject) => {
        const probe = net.createServer().once("error", reject).listen(port, "127.0.0.1", () => probe.close(() => resolve()));
      });
    });
  }
});

describe("idp: stop()", () => {
  it("frees the port, even with a keep-alive connection open", async () => {
    const port = await freePort();
    const provider = await startDevIdentityProvider({ port, clients: [CLIENT], env: {} });
    await (await fetch(new URL("/.well-known/openid-configuration", provider.issuer))).arrayBuffer();
    await provider.stop();
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer().once("error", reject).listen(port, "127.0.0.1", () => probe.close(() => resolve()));
    });
  });
});
