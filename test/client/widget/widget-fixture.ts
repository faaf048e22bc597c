// One real stack (chain, dev identity provider, API with the widget) and the demo partner
// site, in process on free ports, and one headless Chromium, for the widget's browser
// tests. Helpers drive the widget as a citizen does: in the frame, through the popup.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "chai";
import type { Browser, BrowserContext, Frame, FrameLocator, Locator, Page, Request } from "playwright-core";
import { startDemoPartner, type DemoPartner } from "../../../server/web/demo/demo-server.js";
import type { DemoBallotName } from "../../../server/web/demo/demo-ballots.js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { SCREENSHOT_DIR, launchBrowser, screenshot } from "../../helpers/browser.js";
import { startTestStack, type TestStack } from "../../server/api/stack-fixture.js";

export const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export type WidgetWorld = { stack: TestStack; demo: DemoPartner; browser: Browser; stop(): Promise<void> };

export async function startWidgetWorld(): Promise<WidgetWorld> {
  const stack = await startTestStack();
  try {
    const demo = await startDemoPartner({ apiUrl: stack.apiUrl, dataDir: stack.dataDir, port: 0 });
    const browser = await launchBrowser();
    return {
      stack, demo, browser,
      stop: async () => {
        await browser.close();
        await demo.stop();
        await stack.destroy();
      },
    };
  } catch (error) {
    await stack.destroy();
    throw error;
  }
}

/** What a page did, for a test that fails to say why: requests not answered yet, console lines. */
type PageRecord = { pending: Map<Request, number>; console: string[] };
const records = new WeakMap<Page, PageRecord>();

function record(page: Page): void {
  const rec: PageRecord = { pending: new Map(), console: [] };
  records.set(page, rec);
  page.on("request", (request) => rec.pending.set(request, Date.now()));
  page.on("requestfinished", (request) => rec.pending.delete(request));
  page.on("requestfailed", (request) => {
    rec.pending.delete(request);
    rec.console.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ""}`);
  });
  page.on("console", (message) => rec.console.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => rec.console.push(`page error: ${error.message}`));
}

/** The requests still waiting for an answer and the last console lines of a page opened by openDemo. */
export function pageReport(page: Page): string {
  const rec = records.get(page);
  if (!rec) return "(not recorded)";
  const now = Date.now();
  const pending = [...rec.pending].map(([r, since]) => `${r.method()} ${r.url()} (${Math.round((now - since) / 1000)} s)`);
  return `pending requests: ${pending.length ? pending.join("; ") : "none"}; console: ${rec.console.slice(-20).join(" | ") || "nothing"}`;
}

/** A fresh browser profile (the identity provider remembers who logged in), on the demo page. */
export async function openDemo(world: WidgetWorld, query = ""): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({ acceptDownloads: true, viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  record(page);
  await page.goto(world.demo.url + query);
  return { context, page };
}

/** The widget of one demo ballot on the demo page. */
export function widget(page: Page, name: DemoBallotName): FrameLocator {
  return page.frameLocator(`section:has(#t-${name}) iframe`);
}

export async function frameOf(page: Page, name: DemoBallotName | "button"): Promise<Frame> {
  const handle = await page.locator(`section:has(#t-${name}) iframe`).elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error(`no widget frame for ${name}`);
  return frame;
}

/** Clicks the login button in the widget, picks the citizen in the popup, waits for the identity screen. */
export async function logIn(context: BrowserContext, frame: FrameLocator, citizenId: string): Promise<void> {
  const popupOpened = context.waitForEvent("page");
  await frame.getByRole("button", { name: /FranceConnect/ }).click();
  const popup = await popupOpened;
  // Listened for before the click: the popup may close before the click returns.
  const closed = popup.waitForEvent("close", { timeout: 15_000 });
  await popup.locator(`button[value="${citizenId}"]`).click();
  try {
    await closed;
  } catch (error) {
    // Say what the popup shows: an error page of the provider or of the callback.
    const shown = popup.isClosed() ? "(closed)" : `${popup.url()}: ${(await popup.textContent("body").catch(() => ""))?.slice(0, 300)}`;
    throw new Error(`the login popup did not close: ${shown}`, { cause: error });
  }
}

/**
 * axe-core in a page or frame: no serious or critical violation. Injected by evaluation,
 * not addScriptTag: the pages' CSP (rightly) refuses inline scripts, and the tests must not
 * switch the CSP off (bypassCSP would also switch off frame-ancestors).
 */
export async function expectAccessible(target: Page | Frame, label: string): Promise<void> {
  await target.evaluate(readFileSync(AXE_PATH, "utf8"));
  const violations = await target.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${label}: ${JSON.stringify(serious)}`).to.deep.equal([]);
}

export const shoot = (page: Page, name: string) => screenshot(page, `widget-${name}`);

/** Only the partner page's section that holds this ballot's widget (what a person looks at). */
export async function shootWidget(page: Page, ballot: DemoBallotName | "button", name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.locator(`section:has(#t-${ballot})`).screenshot({ path: path.join(SCREENSHOT_DIR, `widget-${name}.png`) });
}

/**
 * Waits until the widget's frame has the height of the screen it shows. embed.js resizes the
 * frame after each screen (the widget's "urne:resize" message): on a partner page scrolled to
 * its end, a frame that shrinks scrolls the page back, and the frame moves down on screen.
 * Playwright's stability check measures a control within its frame, so it does not see the
 * frame moving, and a click sent in between lands where the control was (the revote widget,
 * the last on the demo page, lost its "Confirmer et voter" click that way). A person does
 * not click within those few milliseconds.
 */
export async function frameSettled(page: Page, name: DemoBallotName | "button"): Promise<void> {
  const frame = await frameOf(page, name);
  const iframe = page.locator(`section:has(#t-${name}) iframe`);
  const deadline = Date.now() + 10_000;
  let agreed = 0;
  while (agreed < 2) {
    const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    const styled = await iframe.evaluate((el: HTMLIFrameElement) => el.style.height);
    agreed = styled === `${content + 2}px` ? agreed + 1 : 0;
    if (Date.now() > deadline) throw new Error(`the ${name} widget's frame is ${styled} high for ${content}px of content after 10 s: embed.js did not resize it`);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  }
}

/** Clicks a control of a widget once it is shown and its frame has settled (frameSettled). */
export async function clickIn(page: Page, name: DemoBallotName | "button", control: Locator): Promise<void> {
  await control.waitFor();
  await frameSettled(page, name);
  await control.click();
}

/**
 * Presses "Continuer" on the identity screen and waits for the ballot form. If the widget
 * shows an alert instead (the chain check failed, a node did not answer...), fails with the
 * alert's words: a test that stops there says why, not only that a radio never came.
 */
export async function continueToBallot(page: Page, name: DemoBallotName): Promise<void> {
  const frame = widget(page, name);
  await clickIn(page, name, frame.getByRole("button", { name: "Continuer" }));
  const form = frame.locator("fieldset.ballot");
  const alert = frame.getByRole("alert");
  try {
    await form.or(alert).first().waitFor({ timeout: 60_000 });
  } catch (error) {
    const shown = (await frame.locator("body").textContent().catch(() => ""))?.replace(/\s+/g, " ").trim();
    throw new Error(`neither the ballot nor an alert after "Continuer"; the widget shows: ${shown}; ${pageReport(page)}`, { cause: error });
  }
  if (!(await form.isVisible())) throw new Error(`the widget showed an alert instead of the ballot: ${(await alert.first().textContent())?.trim()}`);
}
