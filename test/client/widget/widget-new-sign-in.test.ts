// After a refused session, a new sign-in never sends the earlier choice under an identity
// the citizen was not shown (issue "No single party to trust", point 5): log in as one
// citizen, choose, have the session refused at confirmation, sign in as another: the
// identity screen names the new citizen, and nothing leaves until the citizen goes on,
// sees the choice again and confirms it. Real Chromium, real stack.
import { expect } from "chai";
import { logIn, openDemo, shootWidget, startWidgetWorld, widget, type WidgetWorld } from "./widget-fixture.js";

describe("the widget after a refused session (Chromium)", function () {
  this.timeout(180_000);
  let world: WidgetWorld;

  before(async () => (world = await startWidgetWorld()));
  after(async () => world?.stop());

  it("shows who is voting after a new sign-in, then the choice again, before anything is sent", async () => {
    const { context, page } = await openDemo(world);
    try {
      const frame = widget(page, "single");
      await logIn(context, frame, "citizen-camille");
      await frame.getByRole("button", { name: "Continuer" }).click();
      await frame.getByRole("radio", { name: "Contre" }).check();
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      // The issuer refuses Camille's session at the token request (it expired meanwhile).
      let refuse = true;
      const sent: string[] = [];
      await context.route("**/v1/ballots/*/tokens", async (route) => {
        sent.push(route.request().url());
        if (refuse) {
          refuse = false;
          await route.fulfill({ status: 401, contentType: "application/json", body: JSON.stringify({ error: { code: "ERR_SESSION_EXPIRED", message: "Session expired.", field: "authorization" } }) });
        } else await route.continue();
      });
      await context.route("**/v1/votes", async (route) => {
        sent.push(route.request().url());
        await route.continue();
      });
      await frame.getByRole("button", { name: "Confirmer et voter" }).click();
      await frame.getByText("Votre identification a expiré").waitFor();
      // Another citizen signs in at this very screen.
      const before = sent.length;
      await logIn(context, frame, "citizen-lucas");
      await frame.getByText(/Vous allez voter en tant que Lucas/).waitFor();
      await shootWidget(page, "single", "new-sign-in-identity");
      expect(sent.length, "nothing is sent before the citizen has seen who is voting").to.equal(before);
      await frame.getByRole("button", { name: "Continuer" }).click();
      // The earlier choice, shown again to be confirmed.
      await frame.getByRole("group", { name: /piétonniser/ }).waitFor();
      expect(await frame.getByRole("radio", { name: "Contre" }).isChecked()).to.equal(true);
      expect(sent.length).to.equal(before);
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByRole("button", { name: "Confirmer et voter" }).click();
      await frame.getByRole("heading", { name: "A voté !" }).waitFor({ timeout: 30_000 });
      expect(sent.length).to.be.above(before);
    } finally {
      await context.close();
    }
  });
});
