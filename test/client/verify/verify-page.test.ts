// The verify page (GET /verify) in real Chromium against the whole stack and its chain: a
// genuine proof passes P1-P9, pasted, chosen as a file or read from an image of its QR
// code; a proof with one changed character shows the failing check by its step id.
import { expect } from "chai";
import { hexlify, randomBytes, Wallet } from "ethers";
import qrcode from "qrcode-generator";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot } from "../../helpers/browser.js";
import { changeOneChar } from "../../protocol/audit/proof-helpers.js";
import { call, inSeconds, startTestStack, type TestStack } from "../../server/api/stack-fixture.js";
import { expectNoSeriousAxeViolation, voteWithProof, watchPageErrors, type ProofJson } from "../public-pages-stack.js";

describe("client/verify: the verify page in Chromium", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let proof: ProofJson;

  before(async () => {
    [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
    const { apiKey } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] });
    const created = await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Faut-il un budget participatif ?", closesAt: inSeconds(3600), liveResults: true } });
    expect(created.status).to.equal(201);
    proof = await voteWithProof(stack, created.body.ballot, [0]);
  });
  after(async () => {
    await browser?.close();
    await stack?.destroy();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    errors = watchPageErrors(page);
  });
  afterEach(async () => {
    expect(errors, "no script error nor CSP violation").to.deep.equal([]);
    await page.close();
  });

  const open = async (query = "") => {
    await page.goto(`${stack.apiUrl}/verify${query}`);
    // Prefilled from /.well-known/urne.json: the first public node of this service.
    await page.waitForFunction(() => (document.getElementById("node-url") as HTMLInputElement | null)?.value !== "");
  };
  const verdicts = async () => {
    await page.waitForSelector(".summary[data-state]");
    return page.$$eval("ol.checks li", (items) => Object.fromEntries(items.map((li) => [li.getAttribute("data-step"), li.getAttribute("data-ok")])));
  };
  const paste = async (json: unknown) => {
    await page.fill("#proof-text", JSON.stringify(json, null, 2));
    await page.click("button[type=submit]");
  };
  const allTrue = { P1: "true", P2: "true", P3: "true", P4: "true", P5: "true", P6: "true", P7: "true", P8: "true", P9: "true" };

  it("is served with a strict CSP, French by default, the node field prefilled and editable", async () => {
    const res = await fetch(`${stack.apiUrl}/verify`);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).to.contain("default-src 'none'").and.contain("script-src 'self'").and.contain("frame-ancestors 'none'").and.contain("connect-src 'self' http: https:");
    await open();
    expect(await page.locator("h1").textContent()).to.equal("Vérifier une preuve de vote");
    expect(await page.inputValue("#node-url")).to.equal(stack.rpcUrl);
    expect(await page.locator("#node-url").isEditable()).to.equal(true);
    await screenshot(page, "verify-empty-fr");
    expect((await fetch(`${stack.apiUrl}/verify?lang=de`)).status).to.equal(400);
  });

  it("shows all nine checks passed for a genuine pasted proof, and announces the summary", async () => {
    await open();
    await paste(proof);
    expect(await verdicts()).to.deep.equal(allTrue);
    const summary = page.locator(".summary");
    expect(await summary.getAttribute("role")).to.equal("status");
    expect(await summary.textContent()).to.contain("Preuve valide\u00A0: les 9 vérifications sont réussies");
    expect(await page.locator('li[data-step="P5"]').textContent()).to.contain("réussi").and.contain("jeton de vote valide pour ce scrutin");
    expect(await page.locator(".summary a").getAttribute("href")).to.equal(`/results/${proof.ballotId}?lang=fr`);
    // The vote in words, from the ballot's own BallotCreated on chain: the question and the choice.
    expect(await page.locator(".vote-words").locator("dt, dd").allTextContents()).to.deep.equal(
      ["Question", "Faut-il un budget participatif ?", "Choix enregistré sur la chaîne", "Pour"]);
    await screenshot(page, "verify-valid-fr");
    await expectNoSeriousAxeViolation(page);
  });

  it("names P4 and P6 when one character of the choice changed", async () => {
    await open();
    await paste({ ...proof, payload: "0x01" });
    expect(await verdicts()).to.deep.equal({ ...allTrue, P4: "false", P6: "false", P7: "skipped", P8: "skipped", P9: "skipped" });
    expect(await page.locator(".summary").textContent()).to.contain("Preuve NON valide\u00A0: 2 vérifications en échec (P4, P6)");
    expect(await page.locator('li[data-step="P4"]').textContent()).to.contain("échec").and.contain("le bulletin (payload) : 0x01 dans la preuve, 0x00 sur la chaîne");
    // In words, both: what the proof claims and what the chain recorded for this voter.
    expect(await page.locator(".vote-words").locator("dt, dd").allTextContents()).to.deep.equal([
      "Question", "Faut-il un budget participatif ?", "Choix selon votre preuve", "Contre", "Choix enregistré sur la chaîne (différent)", "Pour"]);
    await screenshot(page, "verify-tampered-choice-fr");
  });

  it("names P4 and P5 when one character of the token signature changed (English page)", async () => {
    await open("?lang=en");
    expect(await page.locator("h1").textContent()).to.equal("Check a proof of vote");
    await paste({ ...proof, tokenSignature: changeOneChar(proof.tokenSignature as string, 300) });
    expect(await verdicts()).to.deep.equal({ ...allTrue, P4: "false", P5: "false", P7: "skipped", P8: "skipped", P9: "skipped" });
    expect(await page.locator(".summary").textContent()).to.contain("Proof NOT valid: 2 checks failed (P4, P5)");
    expect(await page.locator('li[data-step="P5"]').textContent()).to.contain("failed").and.contain("not a valid signature of the issuer key");
    await screenshot(page, "verify-tampered-token-en");
  });

  it("names P4 and P6 when one character of the voter signature changed", async () => {
    await open();
    await paste({ ...proof, voterSignature: changeOneChar(proof.voterSignature as string, 90) });
    expect(await verdicts()).to.deep.equal({ ...allTrue, P4: "false", P6: "false", P7: "skipped", P8: "skipped", P9: "skipped" });
  });

  it("works with the keyboard alone, with a visible focus on the drop zone", async () => {
    await open();
    const tabTo = async (id: string) => {
      for (let i = 0; i < 12 && (await page.evaluate(() => document.activeElement?.id)) !== id; i++) await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal(id);
    };
    await tabTo("proof-file");
    expect(await page.$eval(".dropzone", (zone) => getComputedStyle(zone).outlineStyle)).to.equal("solid");
    await tabTo("proof-text");
    await page.keyboard.insertText(JSON.stringify(proof));
    await tabTo("node-url");
    await page.keyboard.press("Enter"); // submits the form
    expect(await verdicts()).to.deep.equal(allTrue);
    await screenshot(page, "verify-keyboard-fr");
  });

  it("verifies a proof file chosen with the file input, and says where it came from", async () => {
    await open();
    await page.setInputFiles("#proof-file", { name: "preuve-de-vote.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(proof)) });
    expect(await verdicts()).to.deep.equal(allTrue);
    expect(await page.locator("#proof-message").textContent()).to.equal("Preuve chargée depuis «\u00A0preuve-de-vote.json\u00A0».");
  });

  it("verifies a proof file dropped on the drop zone", async () => {
    await open();
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], "deposee.json", { type: "application/json" }));
      document.querySelector(".dropzone")!.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, JSON.stringify(proof));
    expect(await verdicts()).to.deep.equal(allTrue);
    expect(await page.locator("#proof-message").textContent()).to.equal("Preuve chargée depuis «\u00A0deposee.json\u00A0».");
  });

  it("says \"replaced\", in neutral words, for the proof of a vote its voter changed: not a forgery", async () => {
    const { apiKey } = await stack.apps.create({ name: "Revote", origins: ["https://revote.example"] });
    const ballot = (await call(stack, "POST", "/v1/ballots", { key: apiKey, body: { sealing: "public", question: "Changer d'avis ?", closesAt: inSeconds(3600), allowRevote: true } })).body.ballot;
    const voter = new Wallet(hexlify(randomBytes(32)));
    const first = await voteWithProof(stack, ballot, [0], { voter });
    await voteWithProof(stack, ballot, [1], { voter, revision: 1 });
    await open();
    await paste(first);
    expect(await verdicts()).to.deep.equal({ ...allTrue, P8: "replaced", P9: "replaced" });
    expect(await page.locator(".summary").getAttribute("data-state")).to.equal("replaced");
    expect(await page.locator(".summary").textContent()).to.contain("Vote remplacé\u00A0: ce vote authentique a été remplacé par votre vote suivant, qui est celui qui compte");
    expect(await page.locator('li[data-step="P8"] .verdict').textContent()).to.equal("remplacé");
    expect(await page.locator('li[data-step="P8"] .detail').textContent()).to.match(/^remplacé par votre vote suivant, la révision 1 \(bloc \d+\)$/);
    await screenshot(page, "verify-replaced-fr");
    await expectNoSeriousAxeViolation(page);
  });

  it("verifies a proof read from an image of its QR code", async () => {
    const qr = qrcode(0, "M");
    qr.addData(JSON.stringify(proof), "Byte");
    qr.make();
    const gif = Buffer.from(qr.createDataURL(4, 16).split(",")[1], "base64");
    await open();
    await page.setInputFiles("#proof-file", { name: "qr-preuve.gif", mimeType: "image/gif", buffer: gif });
    expect(await verdicts()).to.deep.equal(allTrue);
    expect(JSON.parse(await page.inputValue("#proof-text"))).to.deep.equal(proof);
    // One file input takes a .json or an image; the checks, below the form, are brought into view.
    expect(await page.locator("input[type=file]").count()).to.equal(1);
    const heading = await page.locator("#result-heading").evaluate((e) => ({ top: e.getBoundingClientRect().top, height: window.innerHeight, scrolled: window.scrollY }));
    expect(heading.scrolled, "the page scrolled to the checks").to.be.above(0);
    expect(heading.top).to.be.within(0, heading.height - 40);
    await screenshot(page, "verify-from-qr-fr");
  });

  it("says so when an image holds no QR code, and when no proof was given", async () => {
    const white = Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64"); // one white pixel
    await open();
    await page.click("button[type=submit]");
    expect(await page.locator(".problem").textContent()).to.equal("Déposez, choisissez ou collez d'abord une preuve.");
    await page.setInputFiles("#proof-file", { name: "photo.gif", mimeType: "image/gif", buffer: white });
    await page.waitForFunction(() => document.querySelector(".problem")?.textContent?.startsWith("Aucun QR code lisible"));
    await screenshot(page, "verify-problem-fr");
  });

  it("fails P3 and warns when the proof names another ballot box than this service's", async () => {
    await open();
    const elsewhere = "0x" + "ab".repeat(20);
    await paste({ ...proof, ballotBox: elsewhere });
    const v = await verdicts();
    expect(v.P3).to.equal("false");
    expect((await page.locator('li[data-step="P3"]').textContent())!.toLowerCase()).to.contain(`pas à l'urne ${elsewhere}`);
    expect(await page.locator(".summary").textContent()).to.contain(`cette preuve concerne l'urne ${elsewhere}, pas celle de ce service (${stack.ballotChain.ballotBox})`);
  });

  it("says when the chosen node cannot be reached from the page", async () => {
    await open();
    await page.fill("#node-url", "http://127.0.0.1:9");
    await paste(proof);
    expect((await verdicts()).P2).to.equal("false");
    expect(await page.locator(".summary").textContent()).to.contain("Le nœud ne répond pas, ou n'accepte pas les requêtes d'une page web (CORS)");
    await screenshot(page, "verify-node-unreachable-fr");
  });

  it("reports P2 against a node of another chain, chosen by the citizen", async () => {
    await open();
    await page.fill("#node-url", stack.rpcUrl);
    await paste({ ...proof, chainId: "1" });
    const v = await verdicts();
    expect(v.P2).to.equal("false");
    expect(await page.locator('li[data-step="P2"]').textContent()).to.contain("la preuve sur la chaîne 1");
  });
});
