// Real headless Chromium for browser tests: Debian's /usr/bin/chromium driven by
// playwright-core (never a downloaded browser). `.ci/run` installs the package.
// Screenshots go to test-output/screenshots/ (gitignored) so that a person can look at
// every screen of a run.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.URNE_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.join(import.meta.dirname, "..", "..", "test-output", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
      // What privacy-minded browsers do by default: the widget must not need them.
      "--test-third-party-cookie-phaseout",
    ],
  });
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9._-]+/gi, "-")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
