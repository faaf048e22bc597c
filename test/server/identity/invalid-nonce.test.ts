import { randomNonce } from "openid-client";
import { loginAs } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: completeLogin › rejects an ID token whose nonce is not the attempt's", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("if the attempt's nonce differs from the one in the ID token (token from another login)", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    await expectIdentityError(client.completeLogin(callback, { ...attempt, nonce: randomNonce() }), "ERR_LOGIN_ID_TOKEN", "id_token.nonce");
  });
});
