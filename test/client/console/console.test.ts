// The organizer console (GET /console) in real Chromium against the whole stack: an
// organizer signs in with the app's API key, creates a ballot of each kind through a form
// that the API itself checks (refusals shown under the field it names), previews the real
// widget, copies the embed tag, follows participation, closes the ballot after a
// confirmation and downloads its results. Each step is a call of the same JSON API.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { embedTag } from "../../../protocol/embed-tag.js";
import { demoCeremony } from "../../../server/web/demo/demo-ceremony.js";
import { launchBrowser, screenshot } from "../../helpers/browser.js";
import { call, castVotes, startTestStack, type TestStack } from "../../server/api/stack-fixture.js";
import { expectNoSeriousAxeViolation, watchPageErrors } from "../public-pages-stack.js";

/** A datetime-local value (the browser runs in this process's time zone) `seconds` from now. */
function localInput(seconds: number): string {
  const d = new Date(Date.now() + seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

describe("the organizer console (Chromium, whole stack)", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let key: string;
  let errors: string[];
  const origin = () => new URL(stack.apiUrl).origin;

  before(async () => {
    [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example", "https://www.mavoix.example"] }));
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: origin() });
    page = await context.newPage();
    // The refusals the tests provoke (a bad key, a refused draft, a revoked key) are the API's answers, not faults.
    errors = watchPageErrors(page, (path, status) => /^\/v1\/(app|ballots)/.test(path) && [400, 401, 404, 409, 422].includes(status));
  });
  after(async () => {
    await browser?.close();
    await stack?.destroy();
  });

  /** The organizer fills the form and presses "Vérifier". */
  async function fillForm(values: { question?: string; kind?: RegExp; options?: string; min?: string; max?: string; closes?: string; age?: string; revote?: boolean; sealed?: string }): Promise<void> {
    if (values.question !== undefined) await page.getByLabel("Question", { exact: true }).fill(values.question);
    if (values.kind) await page.getByRole("radio", { name: values.kind }).check();
    if (values.options !== undefined) await page.getByLabel("Réponses proposées, une par ligne").fill(values.options);
    if (values.min !== undefined) await page.getByLabel("Nombre minimum de réponses").fill(values.min);
    if (values.max !== undefined) await page.getByLabel("Nombre maximum de réponses").fill(values.max);
    if (values.closes !== undefined) await page.getByLabel(/^Clôture/).fill(values.closes);
    if (values.age !== undefined) await page.getByLabel("Âge minimum à la clôture").fill(values.age);
    if (values.revote) await page.getByLabel(/changer son vote/).check();
    if (values.sealed === undefined) await page.getByRole("radio", { name: /^Public/ }).check();
    else {
      await page.getByRole("radio", { name: /^Scellé/ }).check();
      await page.getByLabel("Identifiant de la cérémonie des clés terminée par les garants").fill(values.sealed);
    }
    await page.getByRole("button", { name: "Vérifier" }).click();
  }

  async function createFromReview(): Promise<string> {
    await page.getByRole("heading", { name: /Vérifié/ }).waitFor();
    await page.getByRole("button", { name: "Créer le scrutin sur la chaîne" }).click();
    const notice = page.getByRole("status").filter({ hasText: /Scrutin n° \d+ créé sur la chaîne/ });
    await notice.waitFor({ timeout: 30_000 });
    // The new ballot's panel reads its count from the chain at once (not at the next 20 s refresh): 0, not "unknown".
    await page.getByText("0 bulletin compté sur la chaîne").waitFor({ timeout: 10_000 });
    return /n° (\d+)/.exec((await notice.textContent())!)![1];
  }

  it("signs in with the app's API key, which stays in this tab only (never a URL, a cookie or localStorage)", async () => {
    const response = (await page.goto(`${stack.apiUrl}/console`))!;
    // Framed by no site; it frames only its own origin (the widget's preview).
    const csp = response.headers()["content-security-policy"];
    expect(csp).to.include("frame-ancestors 'none'").and.include("frame-src 'self'").and.include("default-src 'none'");
    expect(csp).not.to.include("unsafe");
    // Not a password field: the browser must not offer to save the key.
    expect(await page.getByLabel("Clé d'API de votre application").getAttribute("type")).to.equal("text");
    await page.getByLabel("Clé d'API de votre application").fill("urne_sk_" + "A".repeat(43));
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.getByRole("alert").filter({ hasText: "Cette clé n'est pas acceptée" }).waitFor();
    await expectNoSeriousAxeViolation(page);
    await screenshot(page, "console-1-sign-in-refused");
    await page.getByLabel("Clé d'API de votre application").fill(key);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.getByText("Application : MaVoix").waitFor();
    await page.getByText("https://mavoix.example et https://www.mavoix.example").waitFor();
    await page.getByText("Aucun scrutin pour l'instant.").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("urne.console.apiKey"))).to.equal(key);
    expect(await page.evaluate(() => localStorage.length)).to.equal(0);
    expect(await context.cookies()).to.deep.equal([]);
    expect(page.url()).not.to.include(key);
    // Another tab of the same browser does not hold it; a reload of this one does.
    const other = await context.newPage();
    await other.goto(`${stack.apiUrl}/console`);
    await other.getByLabel("Clé d'API de votre application").waitFor();
    await other.close();
    await page.reload();
    await page.getByText("Application : MaVoix").waitFor();
    await expectNoSeriousAxeViolation(page);
  });

  it("refuses a draft under the field the API names, and creates nothing: empty question, bounds, a repeated option, an unknown ceremony", async () => {
    await page.getByRole("button", { name: "Nouveau scrutin" }).click();
    await page.getByRole("heading", { name: "Nouveau scrutin" }).waitFor();
    // Every fault at once, each under its field: no question, no closing date.
    await fillForm({ question: "", closes: "" });
    const summary = page.getByRole("alert").filter({ hasText: "2 champs à corriger" });
    await summary.waitFor();
    expect(await page.getByLabel("Question", { exact: true }).getAttribute("aria-invalid")).to.equal("true");
    expect(await page.locator("#e-question").textContent()).to.equal("ballot.question must not be empty");
    expect(await page.getByLabel(/^Clôture/).getAttribute("aria-invalid")).to.equal("true");
    expect(await page.locator("#e-closesAt").textContent()).to.equal("ballot.closesAt is required");
    await expectNoSeriousAxeViolation(page);
    await screenshot(page, "console-2-form-refused");
    // The summary's links lead to the fields.
    await summary.getByRole("link").nth(1).click();
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("f-closes");
    await summary.getByRole("link").first().click();
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("f-question");

    await fillForm({ question: "Quels projets financer ?", kind: /^Choix multiple/, options: "Parc\nPiste cyclable\nMarché", min: "3", max: "2", closes: localInput(3600) });
    await page.locator("#e-maxChoices").filter({ hasText: "ballot.maxChoices must be at least ballot.minChoices (3)" }).waitFor();
    expect(await page.locator("#e-question").isHidden()).to.equal(true); // the earlier refusal is gone

    // A repeated option is named by its line in the text box (the empty line is not counted as an option).
    await fillForm({ kind: /^Jugement majoritaire/, options: "Alice\n\nBob\nalice", closes: localInput(3600) });
    await page.locator("#e-options").filter({ hasText: "Ligne 4 : ballot.options[2] repeats ballot.options[0]" }).waitFor();

    await fillForm({ kind: /^Choix unique/, options: "", sealed: "0x" + "ab".repeat(32), closes: localInput(3600) });
    await page.locator("#e-ceremony").filter({ hasText: /ceremony/i }).waitFor();
    expect(await page.getByLabel("Identifiant de la cérémonie des clés terminée par les garants").getAttribute("aria-invalid")).to.equal("true");
    expect((await call(stack, "GET", "/v1/ballots", { key })).body.ballots).to.deep.equal([]);

    // A creation that gets no answer may have happened: no second click, the list is read again.
    await fillForm({ question: "Une fontaine ?", kind: /^Choix unique/, options: "", closes: localInput(3600) });
    await page.getByRole("heading", { name: /Vérifié/ }).waitFor();
    await page.route("**/v1/ballots", (route) => (route.request().method() === "POST" ? route.abort("connectionreset") : route.fallback()));
    const listed = page.waitForResponse((r) => r.url().includes("/v1/ballots?limit=") && r.request().method() === "GET");
    await page.getByRole("button", { name: "Créer le scrutin sur la chaîne" }).click();
    await page.getByRole("alert").filter({ hasText: "La création n'a pas pu être confirmée" }).waitFor();
    await listed;
    expect(await page.getByRole("button", { name: "Créer le scrutin sur la chaîne" }).isDisabled()).to.equal(true);
    await page.unroute("**/v1/ballots");
    await page.getByRole("button", { name: "Modifier" }).click();
    expect((await call(stack, "GET", "/v1/ballots", { key })).body.ballots).to.deep.equal([]);
  });

  it("creates a public ballot of each kind after the API checked it, and a sealed one under a finished key ceremony", async () => {
    // Single choice on the default options, shown for review with the defaults filled in.
    await fillForm({ question: "Faut-il piétonniser la rue du Marché ?", kind: /^Choix unique/, options: "", closes: localInput(7200), age: "16", revote: true });
    await page.getByRole("heading", { name: /Vérifié/ }).waitFor();
    for (const words of ["Pour", "Contre", "Abstention", "Réservé aux personnes d'au moins 16 ans à la clôture.", "Chacun peut changer son vote jusqu'à la clôture.", "Public : les choix sont lisibles sur la chaîne."]) {
      await page.getByText(words, { exact: true }).waitFor();
    }
    await screenshot(page, "console-3-review");
    // "Modifier" goes back with every value kept.
    await page.getByRole("button", { name: "Modifier" }).click();
    expect(await page.getByLabel("Question", { exact: true }).inputValue()).to.equal("Faut-il piétonniser la rue du Marché ?");
    await page.getByRole("button", { name: "Vérifier" }).click();
    const single = await createFromReview();
    const created = (await call(stack, "GET", `/v1/ballots/${single}`, { key })).body.ballot;
    expect(created).to.include({ question: "Faut-il piétonniser la rue du Marché ?", kind: "single_choice", allowRevote: true });
    expect(created.eligibility.minimumAge).to.equal(16);
    expect(created.options).to.deep.equal(["Pour", "Contre", "Abstention"]);

    await page.getByRole("button", { name: "Nouveau scrutin" }).click();
    await fillForm({ question: "Quels projets financer ?", kind: /^Choix multiple/, options: "Parc\nPiste cyclable\nMarché", min: "1", max: "2", closes: localInput(7200) });
    const multiple = await createFromReview();
    expect((await call(stack, "GET", `/v1/ballots/${multiple}`, { key })).body.ballot).to.include({ kind: "multiple_choice", minChoices: 1, maxChoices: 2 });

    await page.getByRole("button", { name: "Nouveau scrutin" }).click();
    await fillForm({ question: "Comment jugez-vous ces projets ?", kind: /^Jugement majoritaire/, options: "Parc\nPiste cyclable", closes: localInput(7200) });
    const judgment = await createFromReview();
    expect((await call(stack, "GET", `/v1/ballots/${judgment}`, { key })).body.ballot).to.include({ kind: "majority_judgment" });

    const post = (route: string, body: unknown) => call(stack, "POST", route, { key, body });
    const ceremony = await demoCeremony(post, (route, body) => call(stack, "POST", route, { body }));
    await page.getByRole("button", { name: "Nouveau scrutin" }).click();
    await fillForm({ question: "Faut-il un budget participatif ?", kind: /^Choix unique/, options: "", sealed: ceremony, closes: localInput(7200) });
    await page.getByText(`Scellé sous la clé de la cérémonie ${ceremony}.`).waitFor();
    const sealed = await createFromReview();
    expect((await call(stack, "GET", `/v1/ballots/${sealed}`, { key })).body.ballot.sealing).to.include({ kind: "sealed", ceremonyId: ceremony });

    // The list shows the four, newest first, with their kind of secrecy.
    const rows = page.locator("table.ballots tbody tr");
    await page.waitForFunction(() => document.querySelectorAll("table.ballots tbody tr").length === 4);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-ballot")))).to.deep.equal([sealed, judgment, multiple, single]);
    expect(await rows.first().getByText("scellé").count()).to.equal(1);
    await expectNoSeriousAxeViolation(page);
  });

  it("gives the embed tag with the ballot's fingerprint and embed.js pinned, to copy, and previews the real widget", async () => {
    await page.getByRole("button", { name: "Faut-il piétonniser la rue du Marché ?" }).click();
    const ballot = (await call(stack, "GET", "/v1/ballots", { key })).body.ballots.find((b: { question: string }) => b.question === "Faut-il piétonniser la rue du Marché ?");
    await page.getByRole("heading", { name: `Scrutin n° ${ballot.id}` }).waitFor();
    expect(await page.locator("#fingerprint").textContent()).to.equal(ballot.fingerprint);
    const integrity = (await (await fetch(`${stack.apiUrl}/.well-known/urne.json`)).json()).client.embed.integrity;
    const tag = page.locator("#embed-tag");
    const expected = embedTag({ voteHost: origin(), ballotId: ballot.id, fingerprint: ballot.fingerprint, integrity });
    await page.waitForFunction((text) => document.getElementById("embed-tag")?.textContent === text, expected);
    await page.getByRole("button", { name: "Copier la balise" }).click();
    await page.getByText("Balise copiée.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(expected);
    await page.getByLabel("Langue du widget").selectOption("en");
    await page.getByRole("radio", { name: /bouton « Je vote » seul/ }).check();
    expect(await tag.textContent()).to.equal(embedTag({ voteHost: origin(), ballotId: ballot.id, fingerprint: ballot.fingerprint, integrity, lang: "en", mode: "button" }));

    // The preview is the widget page itself, framed by its own origin: the question and the login button.
    const preview = page.frameLocator("iframe.preview");
    await preview.getByRole("heading", { name: "Faut-il piétonniser la rue du Marché ?" }).waitFor();
    await preview.getByRole("button", { name: /FranceConnect/ }).waitFor();
    expect(await page.locator("iframe.preview").getAttribute("title")).to.equal("Aperçu du widget\u00A0: Faut-il piétonniser la rue du Marché ?");
    await expectNoSeriousAxeViolation(page);
    await screenshot(page, "console-4-ballot");
  });

  it("follows participation, closes the ballot only once confirmed, and downloads the results the API gives", async () => {
    const ballot = (await call(stack, "GET", "/v1/ballots", { key })).body.ballots.find((b: { question: string }) => b.question === "Faut-il piétonniser la rue du Marché ?");
    await page.getByText("0 bulletin compté sur la chaîne").waitFor();
    await castVotes(stack, ballot, [[0], [1], [0]]);
    await page.getByRole("button", { name: "Actualiser" }).click();
    await page.getByText("3 bulletins comptés sur la chaîne").waitFor();
    await page.locator(`tr[data-ballot="${ballot.id}"]`).getByText("3 votants").waitFor();

    // Asked, then cancelled: still open.
    await page.getByRole("button", { name: "Clôturer maintenant…" }).click();
    await page.getByText("Clôturer le scrutin « Faut-il piétonniser la rue du Marché ? » maintenant ?", { exact: false }).waitFor();
    await screenshot(page, "console-5-close-confirm");
    await page.getByRole("button", { name: "Annuler" }).click();
    expect((await stack.ballotChain.ballot(BigInt(ballot.id))).closedAt).to.equal(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal("Clôturer maintenant…");

    await page.getByRole("button", { name: "Clôturer maintenant…" }).click();
    await page.getByRole("button", { name: "Oui, clôturer définitivement" }).click();
    await page.getByText(/^Scrutin clos\./).waitFor({ timeout: 30_000 });
    // The panel is drawn again as the ballot now is: closed on a date, the preview a closed ballot's widget.
    await page.locator(".ballot-facts").getByText(/^Clos le /).waitFor();
    await page.frameLocator("iframe.preview").getByText(/^Ce scrutin est clos/).waitFor();
    expect(await page.frameLocator("iframe.preview").getByRole("button", { name: /FranceConnect/ }).count()).to.equal(0);
    expect((await stack.ballotChain.ballot(BigInt(ballot.id))).closedAt).to.be.greaterThan(0);
    await page.locator(`tr[data-ballot="${ballot.id}"]`).getByText("clos").waitFor();

    const downloaded = page.waitForEvent("download");
    await page.getByRole("button", { name: "Télécharger les résultats (JSON)" }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).to.equal(`resultats-scrutin-${ballot.id}.json`);
    const results = JSON.parse(readFileSync((await file.path())!, "utf8"));
    expect(results).to.deep.equal((await call(stack, "GET", `/v1/ballots/${ballot.id}/results`)).body);
    expect(JSON.stringify(results)).to.include('"votersCount":3');
    await expectNoSeriousAxeViolation(page);
    await screenshot(page, "console-6-closed");
  });

  it("closes a sealed ballot and says whose decryption share is in: none of the 2 needed yet, no number", async () => {
    await page.getByRole("button", { name: "Faut-il un budget participatif ?" }).click();
    await page.getByRole("button", { name: "Clôturer maintenant…" }).click();
    await page.getByRole("button", { name: "Oui, clôturer définitivement" }).click();
    await page.getByText(/^Scrutin clos\./).waitFor({ timeout: 30_000 });
    await page.getByText("Parts de déchiffrement valides publiées\u00A0: 0 sur 2 nécessaires.").waitFor();
    expect(await page.locator("ul.shares li").allTextContents()).to.have.length(3).and.satisfy((rows: string[]) => rows.every((r) => r.includes("en attente")));
    // The results are not there before the trustees' shares: said, with no partial number.
    await page.getByRole("button", { name: "Télécharger les résultats (JSON)" }).click();
    await page.getByText(/^Les résultats ne sont pas disponibles/).waitFor();
    await expectNoSeriousAxeViolation(page);
    await screenshot(page, "console-6b-sealed-closed");
  });

  it("works at 375 px and in English, and a revoked key signs the organizer out", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${stack.apiUrl}/console?lang=en`);
    await page.getByText("App: MaVoix").waitFor();
    await page.getByRole("heading", { name: "Your ballots" }).waitFor();
    await expectNoSeriousAxeViolation(page);
    await screenshot(page, "console-7-en-375");
    const app = (await call(stack, "GET", "/v1/app", { key })).body.app;
    await stack.apps.revoke(app.id);
    await page.getByRole("button", { name: "New ballot" }).click();
    await page.getByLabel("Question", { exact: true }).fill("After revocation?");
    await page.getByRole("button", { name: "Check" }).click();
    await page.getByRole("alert").filter({ hasText: "The key is no longer accepted (revoked?): sign in again." }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("urne.console.apiKey"))).to.equal(null);
    expect(errors).to.deep.equal([]);
  });
});
