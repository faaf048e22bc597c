// embed.js pinned with Subresource Integrity, in real Chromium: a partner page whose tag
// carries the integrity value the vote host announces (/.well-known/urne.json, client.embed,
// the SHA-384 of the file the build wrote) shows the widget; with another value, or when
// the served embed.js is not the release's bytes (a tampered host or CDN), the browser
// refuses to run it and nothing is framed (README "Embed the widget", OPERATIONS.md §
// "Check the served code against a release").
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { embedTag } from "../../../protocol/embed-tag.js";
import { CLIENT_MANIFEST, integrityOf, type ClientManifest } from "../../../protocol/client-manifest.node.js";
import { CLIENT_DIST_DIR } from "../../../server/web/client-assets.js";
import { call, inSeconds } from "../../server/api/stack-fixture.js";
import { startWidgetWorld, widget, type WidgetWorld } from "./widget-fixture.js";

describe("embed.js with Subresource Integrity (Chromium)", function () {
  this.timeout(120_000);
  let world: WidgetWorld;
  let voteHost: string;
  let announced: string;
  const contexts: BrowserContext[] = [];
  // A partner site of its own (a real server: Chromium lets a loopback page, not a made-up
  // one, load from the loopback vote host), allowed to embed one ballot; its page's tag
  // carries the integrity value named in the path.
  let partner: http.Server;
  let partnerOrigin: string;
  let ballot: { id: string; fingerprint: string };

  before(async () => {
    world = await startWidgetWorld();
    voteHost = new URL(world.stack.apiUrl).origin;
    const wellKnown = await (await fetch(`${world.stack.apiUrl}/.well-known/urne.json`)).json();
    announced = wellKnown.client.embed.integrity;
    partner = http.createServer((req, res) => {
      const integrity = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
      if (!integrity.startsWith("sha384-")) return void res.writeHead(404).end(); // the browser's /favicon.ico
      const tag = embedTag({ voteHost, ballotId: ballot.id, fingerprint: ballot.fingerprint, integrity });
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title></head><body><h1>Partenaire</h1><section id="vote">${tag}</section></body></html>`);
    });
    await new Promise<void>((resolve) => partner.listen(0, "127.0.0.1", resolve));
    partnerOrigin = `http://localhost:${(partner.address() as AddressInfo).port}`;
    const { apiKey } = await world.stack.apps.create({ name: "Partenaire", origins: [partnerOrigin] });
    ballot = (await call(world.stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Un banc ?", closesAt: inSeconds(3600) } })).body.ballot;
  });
  after(async () => {
    for (const c of contexts) await c.close();
    partner?.close();
    await world?.stop();
  });

  /** The partner's page embedding the ballot with `integrity`; `tamper` changes the embed.js the browser receives. */
  async function partnerPage(integrity: string, tamper?: (body: string) => string): Promise<{ page: Page; console: string[] }> {
    const context = await world.browser.newContext();
    contexts.push(context);
    const url = `${partnerOrigin}/${encodeURIComponent(integrity)}`;
    if (tamper) {
      await context.route(`${voteHost}/embed.js`, async (route) => {
        const served = await route.fetch();
        await route.fulfill({ response: served, body: tamper(await served.text()) });
      });
    }
    const page = await context.newPage();
    const console: string[] = [];
    page.on("console", (m) => console.push(m.text()));
    await page.goto(url);
    return { page, console };
  }

  async function refused(page: Page, console: string[]): Promise<void> {
    await page.waitForLoadState("load");
    for (let i = 0; i < 100 && !console.some((m) => /integrity/i.test(m)); i++) await page.waitForTimeout(50);
    expect(console.join("\n"), console.join("\n")).to.match(/integrity/i);
    expect(await page.locator("iframe").count(), "nothing framed").to.equal(0);
  }

  it("announces the integrity of the embed.js the build wrote, and serves exactly those bytes with CORS", async () => {
    const manifest = JSON.parse(readFileSync(path.join(CLIENT_DIST_DIR, CLIENT_MANIFEST), "utf8")) as ClientManifest;
    expect(announced).to.equal(manifest.files["/embed.js"].integrity);
    const res = await fetch(`${voteHost}/embed.js`, { headers: { origin: "https://partner.example" } });
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    expect(integrityOf(new Uint8Array(await res.arrayBuffer()))).to.equal(announced);
  });

  it("the demo partner pins embed.js, and the widget runs", async () => {
    const context = await world.browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(world.demo.url);
    expect(await page.locator("section:has(#t-single) script").getAttribute("integrity")).to.equal(announced);
    expect(await page.locator("section:has(#t-single) script").getAttribute("crossorigin")).to.equal("anonymous");
    await widget(page, "single").getByRole("button", { name: /FranceConnect/ }).waitFor();
  });

  it("with the announced integrity, a partner page shows the widget", async () => {
    const { page } = await partnerPage(announced);
    await page.frameLocator("#vote iframe").getByRole("button", { name: /FranceConnect/ }).waitFor();
  });

  it("with another integrity value, the browser refuses embed.js and frames nothing", async () => {
    const { page, console } = await partnerPage(integrityOf(Buffer.from("another release")));
    await refused(page, console);
  });

  it("when the served embed.js is not the release's bytes (a tampered host), the browser refuses it", async () => {
    const { page, console } = await partnerPage(announced, (body) => body + "\n/* tampered */");
    await refused(page, console);
  });
});
