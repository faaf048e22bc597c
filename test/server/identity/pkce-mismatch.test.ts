import { randomPKCECodeVerifier } from "openid-client";
import { loginAs } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: completeLogin › rejects a PKCE verifier that does not match the challenge", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("if someone holding a stolen code and state but not the verifier redeems it", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    await expectIdentityError(
      client.completeLogin(callback, { ...attempt, codeVerifier: randomPKCECodeVerifier() }),
      "ERR_LOGIN_CODE_REJECTED",
      "code",
    );
  });
});
