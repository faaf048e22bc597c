// The results page (GET /results/:ballotId), the list of ballots (GET /ballots) and the
// observer instructions (GET /observer) in real Chromium against the whole stack: after real votes, each kind shows its counts
// (bars and the table that says the same), hidden results say when they will appear, and
// the pages pass axe-core.
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshot } from "../../helpers/browser.js";
import { call, castVotes, inSeconds, startTestStack, type TestStack } from "../../server/api/stack-fixture.js";
import { expectNoSeriousAxeViolation, watchPageErrors } from "../public-pages-stack.js";

describe("client/results: the results and observer pages in Chromium", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let browser: Browser;
  let key: string;
  let page: Page;
  let errors: string[];

  before(async () => {
    [stack, browser] = await Promise.all([startTestStack(), launchBrowser()]);
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
  });
  after(async () => {
    await browser?.close();
    await stack?.destroy();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    // Provoked on purpose: a hidden result's 409, an unknown ballot's 404.
    errors = watchPageErrors(page, (path, status) => (status === 409 && path.endsWith("/results")) || (status === 404 && path === "/v1/ballots/987654/results"));
  });
  afterEach(async () => {
    expect(errors, "no script error, CSP violation nor failed request").to.deep.equal([]);
    await page.close();
  });

  const create = async (ballot: Record<string, unknown>) => {
    const { status, body } = await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", closesAt: inSeconds(3600), liveResults: true, ...ballot } });
    expect(status).to.equal(201);
    return body.ballot as { id: string; issuerKey: unknown };
  };
  const open = async (path: string) => {
    await page.goto(stack.apiUrl + path);
    await page.waitForSelector("#results-body .summary, #results-body .facts");
  };
  const tableRows = () => page.$$eval("table tbody tr", (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent!.trim())));

  it("single choice: pour / contre / abstention bars, counts, shares and the number of ballots", async () => {
    const ballot = await create({ question: "Faut-il piétonniser la place du marché ?" });
    await castVotes(stack, ballot, [[0], [0], [1], [2], [0]]);
    await open(`/results/${ballot.id}`);
    expect(await page.locator("h1").textContent()).to.equal("Faut-il piétonniser la place du marché ?");
    expect(await tableRows()).to.deep.equal([
      ["Pour (en tête)", "3", "60\u00A0%"],
      ["Contre", "1", "20\u00A0%"],
      ["Abstention", "1", "20\u00A0%"],
    ]);
    expect(await page.locator(".facts").textContent()).to.contain("5 bulletins comptés").and.contain("vote en cours").and.contain("part confirmée sur la chaîne");
    // The bars are DRAWN to scale (widths set through the CSSOM, which the CSP allows), and
    // hidden from screen readers, who read the table.
    expect(await page.$$eval(".bar-fill", (bars) => bars.map((b) => Math.round((100 * b.getBoundingClientRect().width) / b.parentElement!.getBoundingClientRect().width)))).to.deep.equal([60, 20, 20]);
    expect(await page.locator(".bars").getAttribute("aria-hidden")).to.equal("true");
    expect(await page.locator("footer a").evaluateAll((links) => links.map((a) => a.getAttribute("href")))).to.deep.equal(["/verify?lang=fr", "/observer?lang=fr"]);
    await screenshot(page, "results-single-fr");
    await expectNoSeriousAxeViolation(page);
  });

  it("multiple choice: one bar per option, shares of the voters (English)", async () => {
    const ballot = await create({ question: "Which projects?", kind: "multiple_choice", options: ["Park", "Bike lane", "Market", "Library"], maxChoices: 3 });
    await castVotes(stack, ballot, [[0, 1], [1], [1, 2, 3]]);
    await open(`/results/${ballot.id}?lang=en`);
    expect(await tableRows()).to.deep.equal([
      ["Park", "1", "33.33%"],
      ["Bike lane (leading)", "3", "100%"],
      ["Market", "1", "33.33%"],
      ["Library", "1", "33.33%"],
    ]);
    expect(await page.locator(".facts").textContent()).to.contain("3 ballots counted");
    expect(await page.locator(".chart .hint").first().textContent()).to.contain("percentages are of the number of voters");
    await screenshot(page, "results-multiple-en");
  });

  it("majority judgment: a tie the tie-break cannot separate is announced as a tie, with one ballot counted in the singular", async () => {
    const ballot = await create({ question: "Départagez", kind: "majority_judgment", options: ["Alice", "Bob", "Chloé"] });
    await castVotes(stack, ballot, [[4, 4, 1]]);
    await open(`/results/${ballot.id}`);
    expect(await page.locator(".winner-line").textContent()).to.equal(
      "Égalité\u00A0: Alice et Bob ont exactement le même profil de mérite (mention majoritaire «\u00A0Bien\u00A0»)\u202F; aucun départage n'est possible.");
    expect(await page.locator(".facts").textContent()).to.contain("1 bulletin compté").and.not.contain("bulletins");
    await open(`/results/${ballot.id}?lang=en`);
    expect(await page.locator(".winner-line").textContent()).to.equal("A tie: Alice and Bob have exactly the same merit profile (majority grade “Very good”); nothing can separate them.");
    expect(await page.locator(".facts").textContent()).to.contain("1 ballot counted");
  });

  it("majority judgment: merit profiles as stacked bars with the median, majority grades and the winner", async () => {
    const ballot = await create({ question: "Jugez les projets", kind: "majority_judgment", options: ["Alice", "Bob", "Chloé"] });
    // Alice 1 2 2 4, Bob 2 2 3 3, Chloé 0 0 1 5: Alice and Bob are "Passable", Bob wins the tie-break.
    await castVotes(stack, ballot, [[1, 2, 0], [2, 2, 0], [2, 3, 1], [4, 3, 5]]);
    await open(`/results/${ballot.id}`);
    expect(await page.locator(".winner-line").textContent()).to.equal("Vainqueur\u00A0: Bob, mention majoritaire «\u00A0Passable\u00A0».");
    const rows = await tableRows();
    expect(rows.map((r) => [r[0], r[7], r[8]])).to.deep.equal([["Bob", "Passable", "1"], ["Alice", "Passable", "2"], ["Chloé", "À rejeter", "3"]]);
    expect(rows[1].slice(1, 7)).to.deep.equal(["0", "25", "50", "0", "25", "0"].map((p) => `${p}\u00A0%`));
    expect(await page.locator(".mj-median").count()).to.equal(3);
    const drawn = (selector: string) => page.$$eval(selector, (segs) => segs.map((s) => `${s.className}=${Math.round((100 * s.getBoundingClientRect().width) / s.parentElement!.getBoundingClientRect().width)}%`));
    expect(await drawn(".mj-row:nth-child(1) .mj-seg")).to.deep.equal(["mj-seg g2=50%", "mj-seg g3=50%"]);
    expect(await drawn(".mj-row:nth-child(2) .mj-seg")).to.deep.equal(["mj-seg g1=25%", "mj-seg g2=50%", "mj-seg g4=25%"]);
    await screenshot(page, "results-majority-judgment-fr");
    await expectNoSeriousAxeViolation(page);
    await page.setViewportSize({ width: 390, height: 800 }); // a phone
    await screenshot(page, "results-majority-judgment-phone-fr");
  });

  it("says the results come after the close while hidden, then shows them as final", async () => {
    const ballot = await create({ question: "Résultats cachés ?", liveResults: false });
    await castVotes(stack, ballot, [[1], [1]]);
    await open(`/results/${ballot.id}`);
    expect(await page.locator(".summary").textContent()).to.equal("Les résultats seront publiés après la clôture du scrutin.");
    await screenshot(page, "results-hidden-fr");
    expect((await call(stack, "POST", `/v1/ballots/${ballot.id}/close`, { key })).status).to.equal(200);
    await open(`/results/${ballot.id}`);
    expect(await page.locator(".facts").textContent()).to.contain("vote clos").and.contain("résultats définitifs").and.contain("0 jeton de vote délivré"); // votes cast around the issuer
    expect((await tableRows())[1]).to.deep.equal(["Contre (en tête)", "2", "100\u00A0%"]);
    await screenshot(page, "results-closed-fr");
  });

  it("refreshes while the vote is open", async () => {
    const ballot = await create({ question: "Mise à jour en direct ?" });
    await open(`/results/${ballot.id}`);
    expect(await page.locator(".facts").textContent()).to.contain("0 bulletin compté");
    await castVotes(stack, ballot, [[2]]);
    await page.waitForFunction(() => document.querySelector(".facts")?.textContent?.includes("1 bulletin compté"), undefined, { timeout: 20_000 });
  });

  it("says so for a ballot that does not exist, and refuses a malformed id", async () => {
    await open("/results/987654");
    expect(await page.locator(".summary").textContent()).to.equal("Aucun scrutin ne porte ce numéro.");
    expect((await fetch(`${stack.apiUrl}/results/abc`)).status).to.equal(404);
  });

  it("ballots page: every ballot, newest first, with its status, participation, fingerprint and recount command, from an API anyone may read", async () => {
    const first = await create({ question: "Un kiosque à musique ?" });
    await castVotes(stack, first, [[0], [1]]);
    const second = await create({ question: "Un jardin partagé ?" });
    // The API, with no key: newest first, pages by cursor, each field of the organizer's view that is public.
    const all = await call(stack, "GET", "/v1/public-ballots");
    expect(all.status).to.equal(200);
    const ids = (all.body.ballots as { id: string }[]).map((b) => b.id);
    expect(ids.slice(0, 2)).to.deep.equal([second.id, first.id]);
    expect(ids).to.deep.equal([...ids].sort((a, b) => Number(b) - Number(a)));
    const listed = all.body.ballots.find((b: { id: string }) => b.id === first.id);
    const organizerView = (await call(stack, "GET", `/v1/ballots/${first.id}`, { key })).body.ballot;
    expect(listed).to.deep.include({ question: "Un kiosque à musique ?", kind: "single_choice", organizer: "MaVoix", status: "open", sealed: false, votersCount: 2, tokensIssued: null, fingerprint: organizerView.fingerprint });
    expect(all.body.chain).to.deep.equal({ chainId: String(stack.ballotChain.chainId), ballotBox: stack.ballotChain.ballotBox, rpcUrls: [stack.rpcUrl] });
    const page1 = await call(stack, "GET", "/v1/public-ballots?limit=1");
    expect(page1.body.ballots.map((b: { id: string }) => b.id)).to.deep.equal([second.id]);
    expect(page1.body.next).to.equal(second.id);
    expect((await call(stack, "GET", `/v1/public-ballots?limit=1&before=${page1.body.next}`)).body.ballots[0].id).to.equal(first.id);
    const refused = await call(stack, "GET", "/v1/public-ballots?app=1");
    expect([refused.status, refused.body.error.code, refused.body.error.field]).to.deep.equal([400, "ERR_INVALID_QUERY", "app"]);

    await page.goto(`${stack.apiUrl}/ballots`);
    await page.waitForSelector("table.ballots tbody tr");
    expect(await page.locator("h1").textContent()).to.equal("Les scrutins de ce service");
    const row = page.locator("table.ballots tbody tr", { hasText: "Un kiosque à musique ?" });
    expect(await row.locator("a").getAttribute("href")).to.equal(`/results/${first.id}?lang=fr`);
    const cells = await row.locator("th, td").allTextContents();
    expect(cells[0]).to.equal(`Un kiosque à musique ?n° ${first.id} · MaVoix`);
    expect(cells[1]).to.contain("vote en cours").and.contain("public").and.contain("clôture le");
    expect(cells[2]).to.equal("2 bulletins comptés");
    expect(await row.locator("td code").first().getAttribute("title")).to.equal(organizerView.fingerprint);
    expect(cells[5]).to.equal(`urne recount --ballot ${first.id}`);
    expect(await page.locator(".recount pre").textContent()).to.equal(`urne recount --rpc ${stack.rpcUrl} --ballot-box ${stack.ballotChain.ballotBox} --ballot N`);
    expect(await page.locator("header.site nav a").first().getAttribute("href")).to.equal("/ballots?lang=fr");
    expect(await page.getByRole("button", { name: "Scrutins plus anciens" }).isVisible(), "no older page").to.equal(false);
    await screenshot(page, "ballots-fr");
    await expectNoSeriousAxeViolation(page);
    await page.goto(`${stack.apiUrl}/ballots?lang=en`);
    await page.waitForSelector("table.ballots tbody tr");
    expect(await page.locator("h1").textContent()).to.equal("Ballots of this service");
    expect(await page.locator("table.ballots tbody tr", { hasText: "Un jardin partagé ?" }).locator("td").nth(1).textContent()).to.equal("0 ballots counted");
    await page.setViewportSize({ width: 390, height: 800 }); // a phone: the table scrolls in its own box
    await screenshot(page, "ballots-phone-en");
  });

  it("observer page: the three commands with this service's node and contract, and the §9 steps from PROTOCOL.md", async () => {
    await page.goto(`${stack.apiUrl}/observer`);
    const text = (await page.locator("main").textContent())!;
    expect(text).to.contain(`urne observe --rpc ${stack.rpcUrl} --ballot-box ${stack.ballotChain.ballotBox}`);
    expect(text).to.contain(`urne recount --rpc ${stack.rpcUrl}`).and.contain(`--api ${stack.apiUrl}`);
    expect(text).to.contain(`urne verify proof.json --rpc ${stack.rpcUrl}`);
    expect(await page.$$eval("#proof-checks tbody td:first-child", (cells) => cells.map((c) => c.textContent))).to.deep.equal(["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"]);
    expect(await page.locator("#chain-checks tbody tr").count()).to.equal(7); // C1-C7
    expect(await page.locator("#ballot-checks tbody tr").count()).to.equal(6);
    // French typography in the server's own sentences: no line may begin with « : », « ? »...
    const prose = (await page.locator("main > p, main > h2").allTextContents()).join(" ");
    expect(prose).to.contain("1. Garder une copie de la chaîne\u00A0: urne observe");
    expect(prose).not.to.match(/ [:;!?»]/);
    await screenshot(page, "observer-fr");
    await expectNoSeriousAxeViolation(page);
  });
});
