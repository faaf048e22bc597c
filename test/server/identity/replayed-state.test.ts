import { expect } from "chai";
import { loginAs } from "../../helpers/dev-login.js";
import { LoginAttemptStore } from "../../../server/identity/login-attempts.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: a replayed callback (same state twice)", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("finds no pending attempt the second time, and the second completion fails", async () => {
    const client = fixture.client("a");
    const attempts = new LoginAttemptStore();
    const { authorizationUrl, attempt } = await client.beginLogin();
    attempts.put(attempt, "192.0.2.7");
    const callback = await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a"));

    // What the callback route does: take the attempt by the returned state, then complete.
    const first = attempts.take(callback.searchParams.get("state"));
    expect(first).to.equal(attempt);
    await client.completeLogin(callback, attempt);

    // The replay: the store has nothing left for this state...
    expect(attempts.take(callback.searchParams.get("state"))).to.equal(undefined);
    // ...and even a caller that kept the attempt cannot complete the same login again.
    await expectIdentityError(client.completeLogin(callback, attempt), "ERR_LOGIN_CODE_REJECTED", "code");
  });
});
