import { expect } from "chai";
import { openLoginPage } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

describe("identity: completeLogin › reports a login the citizen cancelled", () => {
  let fixture: IdentityFixture;
  before(async () => {
    fixture = await startIdentityFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("as ERR_LOGIN_DENIED, naming the provider's error code only", async () => {
    const client = fixture.client("a");
    const { authorizationUrl, attempt } = await client.beginLogin();
    const page = await openLoginPage(authorizationUrl, fixture.redirectUri("a"));
    const { url: callback } = await page.browser.follow(page.abortAction, fixture.redirectUri("a"), { form: {} });
    expect(callback.searchParams.get("error")).to.equal("access_denied");
    const error = await expectIdentityError(client.completeLogin(callback, attempt), "ERR_LOGIN_DENIED", "error");
    expect(error.details).to.deep.equal({ error: "access_denied" });
  });
});
