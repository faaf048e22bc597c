import { loginAs } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: completeLogin › rejects an expired login attempt", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("if the citizen comes back after the attempt's lifetime (10 minutes by default)", async () => {
    let now = Date.now();
    const client = fixture.client("a", { now: () => now });
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    now += 10 * 60 * 1000;
    await expectIdentityError(client.completeLogin(callback, attempt), "ERR_LOGIN_EXPIRED");
  });

  it("if the attempt's expiry was moved into the past", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));
    await expectIdentityError(client.completeLogin(callback, { ...attempt, expiresAt: Date.now() - 1 }), "ERR_LOGIN_EXPIRED");
  });
});
