// Every page pins its code (server/web/page-code.ts), in real Chromium: the page runs as
// served; a module changed on the way to the browser (the entry, or a chunk it imports
// later with import()) is refused by the browser, and the page does not run it. The change
// is made between the vote host and the browser, as a cache or a CDN could make it.
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.js";
import { startTestStack, type TestStack } from "../server/api/stack-fixture.js";

describe("pages pin their code with Subresource Integrity (Chromium)", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.destroy();
  });
  beforeEach(async () => {
    context = await browser.newContext();
  });
  afterEach(async () => context.close());

  /** Opens the verify page, every module passing through `tamper` first; what the page logged, and which modules it asked for. */
  async function openVerify(tamper?: (url: string, body: string) => string): Promise<{ page: Page; console: string[]; modules: string[] }> {
    const modules: string[] = [];
    await context.route(`${stack.apiUrl}/assets/*.js`, async (route) => {
      modules.push(new URL(route.request().url()).pathname);
      const served = await route.fetch();
      const body = await served.text();
      await route.fulfill({ response: served, body: tamper ? tamper(route.request().url(), body) : body });
    });
    const page = await context.newPage();
    const console: string[] = [];
    page.on("console", (m) => console.push(m.text()));
    page.on("pageerror", (e) => console.push(`pageerror: ${e.message}`));
    await page.goto(`${stack.apiUrl}/verify`);
    return { page, console, modules };
  }

  /** The verify page has run: its script filled in the node field (client/verify). */
  const ran = (page: Page) => page.waitForFunction(() => ((document.getElementById("node-url") as HTMLInputElement | null)?.value ?? "") !== "", undefined, { timeout: 5_000 }).then(() => true, () => false);

  const integrityRefusal = async (page: Page, console: string[], file: string) => {
    await page.waitForLoadState("load");
    for (let i = 0; i < 100 && !console.some((m) => m.includes(file) && /integrity/i.test(m)); i++) await page.waitForTimeout(50);
    expect(console.join("\n"), console.join("\n")).to.match(new RegExp(`integrity[\\s\\S]*${file.replace(/[.]/g, "\\.")}|${file.replace(/[.]/g, "\\.")}[\\s\\S]*integrity`, "i"));
  };

  it("runs the page as served, with no CSP refusal of its import map", async () => {
    const { page, console } = await openVerify();
    expect(await ran(page)).to.equal(true);
    expect(console.filter((m) => /Content Security Policy|integrity/i.test(m))).to.deep.equal([]);
    const csp = (await (await fetch(`${stack.apiUrl}/verify`)).headers.get("content-security-policy"))!;
    expect(csp).to.match(/script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='/);
    expect(csp).not.to.include("unsafe-inline");
  });

  it("refuses the entry module when its bytes are not the release's, and the page does not run", async () => {
    const { page, console } = await openVerify((url, body) => (url.endsWith("/assets/verify.js") ? body + "\n;document.title='changed'" : body));
    await integrityRefusal(page, console, "/assets/verify.js");
    expect(await ran(page)).to.equal(false);
    expect(await page.title()).not.to.equal("changed");
  });

  it("refuses a chunk the entry imports when its bytes are not the release's", async () => {
    // The first chunk the page asks for, changed: whichever it is, the import map pins it.
    let changed: string | undefined;
    const { page, console, modules } = await openVerify((url, body) => {
      const file = new URL(url).pathname;
      if (file.includes("/chunk-") && (changed === undefined || changed === file)) {
        changed = file;
        return body + "\n;globalThis.__changed = true";
      }
      return body;
    });
    expect(await ran(page)).to.equal(false);
    expect(changed, `modules asked for: ${modules.join(", ")}`).to.be.a("string");
    await integrityRefusal(page, console, changed!);
    expect(await page.evaluate(() => (globalThis as { __changed?: boolean }).__changed)).to.equal(undefined);
  });
});
