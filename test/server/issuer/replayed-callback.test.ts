import { expect } from "chai";
import { type IssuerFixture, startIssuerFixture } from "./fixture.js";
import { loginThroughPopup, openLoginPopup } from "./widget.js";

describe("issuer: the login callback", () => {
  let fixture: IssuerFixture;
  before(async () => {
    fixture = await startIssuerFixture();
  });
  after(async () => {
    await fixture.stop();
  });

  it("refuses a replayed callback (state already used): no session, no script, nothing posted", async () => {
    const first = await loginThroughPopup(fixture, "citizen-camille");
    expect(first.message.ok).to.equal(true);
    const replay = await fetch(first.callbackUrl, { redirect: "manual" });
    expect(replay.status).to.equal(400);
    const html = await replay.text();
    expect(html).not.to.include("<script");
    expect(html).not.to.include("eyJ");
    expect(replay.headers.get("cache-control")).to.equal("no-store");
  });

  it("refuses a callback with a state it never issued", async () => {
    const popup = await openLoginPopup(fixture, "https://mavoix.example.org");
    await popup.body?.cancel();
    const forged = new URL(fixture.redirectUri);
    forged.searchParams.set("state", "forged-state");
    forged.searchParams.set("code", "forged-code");
    const response = await fetch(forged, { redirect: "manual" });
    expect(response.status).to.equal(400);
    expect(await response.text()).not.to.include("<script");
  });
});
