// The "Je vote" widget, in real Chromium against the whole service in process (embedded
// chain at the default 1 s block interval, dev identity provider, demo partner site).
// Bytes are counted ON THE WIRE, as Chromium received them from the vote host (each
// response's headers and encoded body, Playwright's request.sizes()), in a fresh browser
// context (empty cache), for a partner page that holds ONE widget:
//   BENCH widget.first_screen_wire_bytes  embed.js, the widget page, its CSS and JS, the
//                                         ballot's JSON: everything fetched from anyone but
//                                         the partner until the first screen is drawn
//                                         (goal: 30 KB at most)
//   BENCH widget.before_click_requests    requests (vote host, chain nodes) in the 3 s after that
//                                         screen while nobody touches it (goal: 0)
//   BENCH widget.first_interaction_wire_bytes  what the first click on the widget fetches
//                                         (the voting code, the crypto, the chain check's
//                                         reads) until quiet
//   BENCH widget.click_to_proof_ms        already logged in: click on "Confirmer et voter" →
//                                         proof offered (token, signature, random anonymity
//                                         delay of 0.4-2 s, relay, block, finality), median of RUNS
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium, type Page } from "playwright-core";
import { startStack } from "../../server/api/stack.js";
import { stackOptions } from "../../server/config/stack-options.js";
import { startDemoPartner } from "../../server/web/demo/demo-server.js";

const RUNS = 3;
const CITIZENS = ["citizen-camille", "citizen-lucas", "citizen-odette"];
const CHROMIUM = process.env.URNE_CHROMIUM ?? "/usr/bin/chromium";
const QUIET_MS = 3_000;

const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-bench-widget-"));
const stack = await startStack(stackOptions({ data: dataDir, port: "0", "relay-port": "0", "chain-port": "0", "idp-port": "0" }, {}));
const demo = await startDemoPartner({ apiUrl: stack.apiUrl, dataDir, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"] });
const bench = (name: string, value: number, unit: string) => console.log(`BENCH widget.${name} ${Math.round(value)} ${unit}`);

/** Every response Chromium receives on this page but the partner's own (`partner` origin): what, bytes on the wire, and when. */
function wireLog(page: Page, partner: string) {
  const log: { path: string; bytes: number; at: number }[] = [];
  const pending: Promise<void>[] = [];
  page.on("requestfinished", (r) => {
    if (r.url().startsWith(partner)) return;
    const url = new URL(r.url());
    pending.push(r.sizes().then((s) => void log.push({ path: `${url.port}${url.pathname}`, bytes: s.responseHeadersSize + s.responseBodySize, at: performance.now() })));
  });
  return { log, settled: () => Promise.all(pending), bytesSince: (t: number) => log.filter((e) => e.at >= t).reduce((n, e) => n + e.bytes, 0) };
}

try {
  // A partner page with ONE widget: the demo's single-choice tag, alone.
  const demoPage0 = await browser.newPage();
  await demoPage0.goto(demo.url);

  const context = await browser.newContext();
  // The demo page as it is, its other widgets stopped before they reach the network (a
  // partner page that offers one ballot): their frames and their "allowed?" checks.
  const one = (await demoPage0.locator("section:has(#t-single) script[src$='/embed.js']").getAttribute("data-ballot"))!;
  await context.route(/\/(widget|v1\/widget\/ballots)\/\d+/, (route) => {
    const id = /\/(?:widget|v1\/widget\/ballots)\/(\d+)/.exec(route.request().url())![1];
    return id === one ? route.continue() : route.abort("blockedbyclient");
  });
  await demoPage0.close();
  const page = await context.newPage();
  const wire = wireLog(page, new URL(demo.url).origin);
  const t0 = performance.now();
  await page.goto(demo.url);
  const frame = page.frameLocator(`iframe[src*="/widget/${one}?"]`);
  const loginButton = frame.getByRole("button", { name: /FranceConnect/ });
  await loginButton.waitFor();
  await page.waitForLoadState("networkidle");
  await wire.settled();
  const firstScreen = wire.bytesSince(t0);
  bench("first_screen_wire_bytes", firstScreen, "bytes");
  console.log(`first screen (port and path, bytes): ${wire.log.map((e) => `${e.path} ${e.bytes}`).join(", ")}`);
  const drawn = performance.now();
  await new Promise((r) => setTimeout(r, QUIET_MS));
  await wire.settled();
  const early = wire.log.filter((e) => e.at >= drawn);
  bench("before_click_requests", early.length, "requests");
  if (early.length) console.log(`fetched before any click: ${early.map((e) => e.path).join(", ")}`);
  // The first click on the login button (the popup it opens is another page, not counted).
  const pressed = performance.now();
  await loginButton.click();
  // Until the vote host has sent nothing for 1.5 s (the voting code, then the chain check's reads).
  for (let seen = -1; seen !== wire.log.length; ) {
    seen = wire.log.length;
    await new Promise((r) => setTimeout(r, 1_500));
    await wire.settled();
  }
  bench("first_interaction_wire_bytes", wire.bytesSince(pressed), "bytes");
  console.log(`fetched by the click (port and path, bytes): ${wire.log.filter((e) => e.at >= pressed).map((e) => `${e.path} ${e.bytes}`).join(", ")}`);
  await context.close();

  const times: number[] = [];
  for (const citizen of CITIZENS.slice(0, RUNS)) {
    const ctx = await browser.newContext({ acceptDownloads: true });
    const p = await ctx.newPage();
    await p.goto(demo.url);
    const w = p.frameLocator("section:has(#t-single) iframe");
    const popupOpened = ctx.waitForEvent("page");
    await w.getByRole("button", { name: /FranceConnect/ }).click();
    const popup = await popupOpened;
    const closed = popup.waitForEvent("close");
    await popup.locator(`button[value="${citizen}"]`).click();
    await closed;
    await w.getByRole("button", { name: "Continuer" }).click();
    await w.getByRole("radio", { name: "Pour" }).check();
    await w.getByRole("button", { name: "Vérifier mon choix" }).click();
    const confirm = w.getByRole("button", { name: "Confirmer et voter" });
    await confirm.waitFor();
    const start = performance.now();
    await confirm.click();
    await w.getByRole("link", { name: /Télécharger la preuve/ }).waitFor({ timeout: 60_000 });
    times.push(performance.now() - start);
    await ctx.close();
  }
  times.sort((a, b) => a - b);
  bench("click_to_proof_ms", times[Math.floor(times.length / 2)], "ms");
} finally {
  await browser.close();
  await demo.stop();
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
