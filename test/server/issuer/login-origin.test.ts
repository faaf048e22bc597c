import { expect } from "chai";
import { type IssuerFixture, NOT_ALLOWED, WIDGET_A, WIDGET_B, startIssuerFixture } from "./fixture.js";
import { openLoginPage } from "../../helpers/dev-login.js";
import { loginThroughPopup, openLoginPopup, readCallbackPage } from "./widget.js";

describe("issuer: the login popup", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("redirects an allowed origin to the provider, with PKCE and no-store", async () => {
    const response = await openLoginPopup(fixture, WIDGET_A);
    expect(response.status).to.equal(303);
    const location = new URL(response.headers.get("location") as string);
    expect(location.origin).to.equal(new URL(fixture.provider.issuer).origin);
    expect(location.searchParams.get("code_challenge_method")).to.equal("S256");
    expect(location.searchParams.get("redirect_uri")).to.equal(fixture.redirectUri);
    // The widget origin stays server-side, in the attempt: it is not in the URL.
    expect(location.href).not.to.include(encodeURIComponent(WIDGET_A));
    expect(response.headers.get("cache-control")).to.equal("no-store");
    expect(response.headers.get("referrer-policy")).to.equal("no-referrer");
  });

  it("refuses an origin no organizer allows (403 page, no redirect to the provider)", async () => {
    const response = await openLoginPopup(fixture, NOT_ALLOWED);
    expect(response.status).to.equal(403);
    expect(response.headers.get("location")).to.equal(null);
    const html = await response.text();
    expect(html).not.to.include("<script");
    expect(response.headers.get("content-security-policy")).to.include("script-src 'none'");
  });

  it("refuses an origin that is not exactly an origin (path, trailing slash, case, null, missing)", async () => {
    for (const origin of [`${WIDGET_A}/`, `${WIDGET_A}/vote`, WIDGET_A.toUpperCase(), "null", "javascript:alert(1)", ""]) {
      const response = await openLoginPopup(fixture, origin);
      expect(response.status, origin).to.equal(403);
      expect(response.headers.get("location")).to.equal(null);
    }
    const missing = await fetch(`${fixture.api}/v1/login`, { redirect: "manual" });
    expect(missing.status).to.equal(403);
  });

  it("speaks the widget's language on its return pages (English here), French by default, and refuses another lang by name", async () => {
    const english = await loginThroughPopup(fixture, "citizen-lucas", WIDGET_A, "en");
    expect(english.html).to.include('<html lang="en">').and.include("Signed in. This window will close.");
    expect(english.message.ok).to.equal(true);
    const french = await loginThroughPopup(fixture, "citizen-lucas", WIDGET_A);
    expect(french.html).to.include('<html lang="fr">').and.include("Connexion réussie.");
    // A replayed callback: the attempt (and its language) is gone, so the page says it in both.
    const replayed = await (await fetch(english.callbackUrl, { redirect: "manual" })).text();
    expect(replayed).to.include("Sign-in failed: this sign-in expired or was already used.").and.include("Connexion impossible\u00A0: this sign-in expired");
    const refused = await openLoginPopup(fixture, WIDGET_A, "de");
    expect(refused.status).to.equal(400);
    expect(refused.headers.get("location")).to.equal(null);
    expect(await refused.text()).to.include("lang must be fr or en.");
  });

  it("sends the session of a login started for widget B to widget B only", async () => {
    const page = await loginThroughPopup(fixture, "citizen-odette", WIDGET_B);
    expect(page.targetOrigin).to.equal(WIDGET_B);
  });

  it("posts a coded error (not a session) to the widget when the citizen cancels at the provider", async () => {
    const popup = await openLoginPopup(fixture, WIDGET_A);
    const page = await openLoginPage(popup.headers.get("location") as string, fixture.redirectUri);
    const { url } = await page.browser.follow(page.abortAction, fixture.redirectUri, { form: {} });
    const response = await fetch(url, { redirect: "manual" });
    const result = readCallbackPage(response, await response.text());
    expect(response.status).to.equal(403);
    expect(result.targetOrigin).to.equal(WIDGET_A);
    expect(result.message.ok).to.equal(false);
    if (!result.message.ok) expect(result.message.error.code).to.equal("ERR_LOGIN_DENIED");
    expect(result.message).not.to.have.property("session");
  });
});
