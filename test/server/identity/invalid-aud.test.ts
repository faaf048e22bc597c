import type { CustomFetch } from "openid-client";
import { loginAs } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

// The provider never hands client A a token for client B, so this test plays a hostile
// network: the token response reaching A carries an ID token that the SAME provider issued
// to client B, for the same citizen and with A's nonce. Only the audience gives it away.

function isTokenEndpoint(url: string): boolean {
  return new URL(url).pathname === "/token";
}

describe("identity: completeLogin › rejects an ID token issued to another client", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("if the ID token's audience is another service (token substitution)", async () => {
    const substitute: { idToken?: string } = {};
    const swapIdToken: CustomFetch = async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      if (!isTokenEndpoint(url) || substitute.idToken === undefined) return response;
      const body = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...body, id_token: substitute.idToken }, { status: response.status });
    };
    const victim = fixture.client("a", { fetch: swapIdToken });
    const { authorizationUrl, attempt } = await victim.beginLogin();

    // Client B logs the same citizen in with A's nonce; keep the ID token it receives.
    let issuedToB: string | undefined;
    const keepIdToken: CustomFetch = async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      if (isTokenEndpoint(url)) issuedToB = ((await response.clone().json()) as { id_token: string }).id_token;
      return response;
    };
    const other = fixture.client("b", { fetch: keepIdToken });
    const b = await other.beginLogin();
    const bUrl = new URL(b.authorizationUrl);
    bUrl.searchParams.set("nonce", attempt.nonce);
    await other.completeLogin(await loginAs(bUrl.href, "citizen-camille", fixture.redirectUri("b")), { ...b.attempt, nonce: attempt.nonce });
    substitute.idToken = issuedToB;

    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    await expectIdentityError(victim.completeLogin(callback, attempt), "ERR_LOGIN_ID_TOKEN", "id_token.aud");
  });
});
