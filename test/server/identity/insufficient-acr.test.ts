import { loginAs } from "../../helpers/dev-login.js";
import { expectIdentityError } from "./expect-error.js";
import { type IdentityFixture, startIdentityFixture } from "./fixture.js";

async function loginWith(fixture: IdentityFixture, required?: string): Promise<unknown> {
  const client = fixture.client("a", required === undefined ? {} : { acr: required });
  const { authorizationUrl, attempt } = await client.beginLogin();
  return client.completeLogin(await loginAs(authorizationUrl, "citizen-camille", fixture.redirectUri("a")), attempt);
}

describe("identity: completeLogin › rejects a login below the required level of assurance", () => {
  const fixtures: IdentityFixture[] = [];
  after(async () => {
    await Promise.all(fixtures.map((fixture) => fixture.stop()));
  });
  const start = async (acr?: string | null) => {
    const fixture = await startIdentityFixture(acr === undefined ? {} : { acr });
    fixtures.push(fixture);
    return fixture;
  };

  it("if the ID token carries no acr", async () => {
    await expectIdentityError(loginWith(await start(null)), "ERR_LOGIN_ACR", "id_token.acr");
  });

  it("if the ID token carries a level that is not eIDAS substantial or above", async () => {
    await expectIdentityError(loginWith(await start("eidas0")), "ERR_LOGIN_ACR", "id_token.acr");
  });

  it("if the relying party requires a higher eIDAS level than the provider gave (eidas2 > eidas1)", async () => {
    await expectIdentityError(loginWith(await start(), "eidas2"), "ERR_LOGIN_ACR", "id_token.acr");
  });
});
