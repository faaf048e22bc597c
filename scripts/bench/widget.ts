// The "Je vote" widget, in real Chromium against the whole service in process (embedded
// chain at the default 1 s block interval, dev identity provider, demo partner site):
//   BENCH widget.embed_js_gzip       /embed.js as a partner page downloads it (gzip -9)
//   BENCH widget.first_screen_gzip   embed.js + the widget page + the CSS and JS its first
//                                    screen loads (the entry and its static imports, from
//                                    the bundle; each checked as requested by Chromium
//                                    before any click); the crypto, loaded by import()
//                                    after that screen, is not in it
//   BENCH widget.click_to_proof_ms   already logged in: click on "Confirmer et voter" →
//                                    proof offered (token, signature, random anonymity
//                                    delay of 0.4-2 s, relay, block, finality), median of RUNS
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startStack } from "../../server/api/stack.js";
import { stackOptions } from "../../server/config/stack-options.js";
import { startDemoPartner } from "../../server/web/demo/demo-server.js";

const RUNS = 3;
const CITIZENS = ["citizen-camille", "citizen-lucas", "citizen-odette"];
const CHROMIUM = process.env.URNE_CHROMIUM ?? "/usr/bin/chromium";

const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-bench-widget-"));
const stack = await startStack(stackOptions({ data: dataDir, port: "0", "relay-port": "0", "chain-port": "0", "idp-port": "0" }, {}));
const demo = await startDemoPartner({ apiUrl: stack.apiUrl, dataDir, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"] });
const bench = (name: string, value: number, unit: string) => console.log(`BENCH widget.${name} ${Math.round(value)} ${unit}`);

try {
  const voteHost = new URL(stack.apiUrl).origin;
  const gz = (body: Buffer) => gzipSync(body, { level: 9 }).length;
  const fetchBody = async (p: string) => Buffer.from(await (await fetch(voteHost + p)).arrayBuffer());

  // What Chromium fetched from the vote host for the demo page, before any click.
  const context = await browser.newContext();
  const page = await context.newPage();
  const requested = new Set<string>();
  page.on("request", (r) => {
    if (r.url().startsWith(voteHost)) requested.add(new URL(r.url()).pathname);
  });
  await page.goto(demo.url);
  const frame = page.frameLocator("section:has(#t-single) iframe");
  await frame.getByRole("button", { name: /FranceConnect/ }).waitFor();

  // The first screen's code: the entry's static imports, transitively (import(...) excluded).
  const firstScreen = new Set<string>(["/assets/widget.js", "/assets/widget.css"]);
  for (const file of [...firstScreen]) {
    if (!file.endsWith(".js")) continue;
    const code = (await fetchBody(file)).toString("utf8");
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([\w-]+\.js)"/g)) {
      const dep = `/assets/${m[1]}`;
      if (!firstScreen.has(dep)) firstScreen.add(dep);
    }
  }
  for (const file of firstScreen) if (!requested.has(file)) throw new Error(`bench: Chromium did not request ${file}`);
  const widgetPage = [...requested].find((p) => p.startsWith("/widget/"))!;
  const widgetHtml = await (await fetch(`${voteHost}${widgetPage}?host=${encodeURIComponent(new URL(demo.url).origin)}`)).arrayBuffer();
  const embedGzip = gz(await fetchBody("/embed.js"));
  let firstScreenGzip = embedGzip + gz(Buffer.from(widgetHtml));
  for (const file of firstScreen) firstScreenGzip += gz(await fetchBody(file));
  bench("embed_js_gzip", embedGzip, "bytes");
  bench("first_screen_gzip", firstScreenGzip, "bytes");
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
