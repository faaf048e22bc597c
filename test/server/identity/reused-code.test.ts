import { loginAs } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: completeLogin › rejects a code that was already redeemed", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("even with the right state, nonce and PKCE verifier (a leaked callback URL replayed)", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    await client.completeLogin(callback, attempt);
    // A fresh client instance: nothing cached on the relying party's side helps.
    await expectIdentityError(fixture.client("a").completeLogin(new URL(callback), { ...attempt }), "ERR_LOGIN_CODE_REJECTED", "code");
  });
});
