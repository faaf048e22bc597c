// One real stack (chain, dev identity provider, API with the widget) and the demo partner
// site, in process on free ports, and one headless Chromium, for the widget's browser
// tests. Helpers drive the widget as a citizen does: in the frame, through the popup.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "chai";
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from "playwright-core";
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

/** A fresh browser profile (the identity provider remembers who logged in), on the demo page. */
export async function openDemo(world: WidgetWorld, query = ""): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({ acceptDownloads: true, viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  await page.goto(world.demo.url + query);
  return { context, page };
}

/** The widget of one demo ballot on the demo page. */
export function widget(page: Page, name: DemoBallotName): FrameLocator {
  return page.frameLocator(`section:has(#t-${name}) iframe`);
}

export async function frameOf(page: Page, name: DemoBallotName): Promise<Frame> {
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
 * Presses "Continuer" on the identity screen and waits for the ballot form. If the widget
 * shows an alert instead (the chain check failed, a node did not answer...), fails with the
 * alert's words: a test that stops there says why, not only that a radio never came.
 */
export async function continueToBallot(frame: FrameLocator): Promise<void> {
  await frame.getByRole("button", { name: "Continuer" }).click();
  const form = frame.locator("fieldset.ballot");
  const alert = frame.getByRole("alert");
  await form.or(alert).first().waitFor({ timeout: 60_000 });
  if (!(await form.isVisible())) throw new Error(`the widget showed an alert instead of the ballot: ${(await alert.first().textContent())?.trim()}`);
}
