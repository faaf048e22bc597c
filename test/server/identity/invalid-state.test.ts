import { loginAs } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: completeLogin › rejects a callback whose state is not the attempt's", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("if the state was altered (forged callback, CSRF)", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    callback.searchParams.set("state", "forged-state");
    await expectIdentityError(client.completeLogin(callback, attempt), "ERR_LOGIN_STATE_MISMATCH", "state");
  });

  it("if the state is missing", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    callback.searchParams.delete("state");
    await expectIdentityError(client.completeLogin(callback, attempt), "ERR_LOGIN_STATE_MISMATCH", "state");
  });

  it("if the callback belongs to another login (an attacker's code injected into a victim's session)", async () => {
    const client = fixture.client("a");
    const victim = await client.beginLogin();
    const attacker = await client.beginLogin();
    const attackerCallback = await loginAs(attacker.authorizationUrl, "citizen-lucas", fixture.redirectUri("a"));
    await expectIdentityError(client.completeLogin(attackerCallback, victim.attempt), "ERR_LOGIN_STATE_MISMATCH", "state");
  });
});
