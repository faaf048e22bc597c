// README's promise, "the partner page never sees the voter's identity, key or choice",
// played by a hostile partner in real Chromium: a page on an allowed origin of the app
// that owns the ballot opens the login popup itself, once for its own origin and once for
// the vote host's, listens to every message, and tries to get a token. It receives no
// name, no birth date and no session, and gets no token (issue "No single party to
// trust", point 4: before, it received all three and cast a vote that was counted).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { startWidgetWorld, type WidgetWorld } from "./widget-fixture.js";

describe("a hostile partner page (Chromium)", function () {
  this.timeout(120_000);
  let world: WidgetWorld;
  let partner: http.Server;
  let partnerUrl: string;
  let ballotId: string;

  before(async () => {
    world = await startWidgetWorld();
    partner = http.createServer((_req, res) => {
      // The partner's own page, with a script of its own (it controls its CSP).
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="fr"><head><title>Partenaire malveillant</title></head>
<body><main><h1>Partenaire</h1><button id="go">Se connecter</button></main>
<script>
  window.captured = [];
  window.addEventListener("message", (event) => window.captured.push({ origin: event.origin, data: JSON.stringify(event.data) }));
</script></body></html>`);
    });
    await new Promise<void>((resolve) => partner.listen(0, "127.0.0.1", resolve));
    partnerUrl = `http://localhost:${(partner.address() as AddressInfo).port}`;
    const { apiKey } = await world.stack.apps.create({ name: "Partenaire", origins: [partnerUrl] });
    const created = await fetch(`${world.stack.apiUrl}/v1/ballots`, {
      method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ sealing: "public", question: "Un nouveau kiosque ?", closesAt: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    ballotId = ((await created.json()) as { ballot: { id: string } }).ballot.id;
  });
  after(async () => {
    partner?.close();
    await world?.stop();
  });

  /** The partner page opens the popup for `origin` from a click, as the widget would. */
  async function openPopup(page: Page, origin: string) {
    const popupOpened = page.context().waitForEvent("page");
    await page.evaluate(([voteHost, o]) => {
      document.getElementById("go")!.onclick = () => window.open(`${voteHost}/v1/login?origin=${encodeURIComponent(o)}`, "login", "popup");
    }, [world.stack.apiUrl, origin]);
    await page.click("#go");
    return popupOpened;
  }

  it("is refused the login hand-over for its own origin", async () => {
    const context = await world.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(partnerUrl);
      const popup = await openPopup(page, partnerUrl);
      await popup.waitForLoadState();
      expect(await popup.textContent("body")).to.contain("Connexion impossible");
      expect(await popup.locator("button[value]").count(), "no provider page: the login did not start").to.equal(0);
    } finally {
      await context.close();
    }
  });

  it("receives nothing when it opens the vote host's own login, and gets no token", async () => {
    const context = await world.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(partnerUrl);
      const voteHost = new URL(world.stack.apiUrl).origin;
      const popup = await openPopup(page, voteHost);
      // The citizen, fooled, logs in: the callback posts to the vote host's origin only, and the browser drops it here.
      const closed = popup.waitForEvent("close", { timeout: 15_000 }).catch(() => undefined);
      await popup.locator('button[value="citizen-camille"]').click();
      await closed;
      await page.waitForTimeout(500);
      const captured = (await page.evaluate(() => (window as unknown as { captured: { origin: string; data: string }[] }).captured));
      expect(captured.filter((m) => /Camille|Martin|1980|session|urne:login/.test(m.data))).to.deep.equal([]);
      // Without a session, and from its own origin, the token endpoint refuses it; CORS hides even the refusal.
      const attempt = await page.evaluate(async ([url]) => {
        try {
          const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer x" }, body: JSON.stringify({ blindedMessage: "0x01" }) });
          return `status ${r.status}`;
        } catch (error) {
          return `blocked: ${(error as Error).name}`;
        }
      }, [`${world.stack.apiUrl}/v1/ballots/${ballotId}/tokens`]);
      expect(attempt).to.match(/^blocked/);
    } finally {
      await context.close();
    }
  });
});
