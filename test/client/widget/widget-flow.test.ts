// The "Je vote" widget in real Chromium, on the demo partner page, against the real
// stack: every ballot kind end to end (login popup, form, confirmation, progress, proof),
// the proof checked against the chain, the refusals (second vote, minor, foreign site),
// keyboard-only voting, and axe-core on every screen. Screenshots: test-output/screenshots.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { NodeProvider } from "../../../server/chain/node-provider.js";
import jsQRModule from "jsqr";
import type { FrameLocator, Page } from "playwright-core";
import { decodeBallotBoxLog, parseProof, type ProofOfVote } from "../../../protocol/index.js";
import { embedTag } from "../../../protocol/embed-tag.js";
import type { DemoBallotName } from "../../../server/web/demo/demo-ballots.js";
import { clickIn, continueToBallot, expectAccessible, frameOf, logIn, openDemo, shoot, shootWidget, startWidgetWorld, widget, type WidgetWorld } from "./widget-fixture.js";

const FINAL_TIMEOUT = 30_000;

describe("the Je vote widget on a partner page (Chromium)", function () {
  this.timeout(180_000);
  // No retry. A CI dry run once saw the majority-judgment frame's login button never
  // "stable" for Playwright: the frame kept moving. Measured since: each frame loads lazily
  // as the page scrolls, and each shrank from the 420 px embed.js reserves to its one-line
  // "loading" screen, then grew to its card, moving every frame below it twice in a cascade
  // (up to 8 moves of that frame in 0.6 s). The widget now takes its height from its first
  // real screen only (client/widget/main.ts): each frame resizes once.
  let world: WidgetWorld;
  let chain: NodeProvider;

  before(async () => {
    world = await startWidgetWorld();
    chain = new NodeProvider(world.stack.rpcUrl, world.stack.chain.chainId);
  });
  after(async () => {
    chain?.destroy();
    await world?.stop();
  });

  /** The proof file the widget offers, through a real download. */
  async function downloadProof(page: Page, frame: FrameLocator, name: DemoBallotName): Promise<ProofOfVote> {
    const downloading = page.waitForEvent("download");
    await clickIn(page, name, frame.getByRole("link", { name: /Télécharger la preuve/ }));
    const download = await downloading;
    const proof = parseProof(await readFile((await download.path())!, "utf8"));
    // One name per ballot and revision: a changed vote's proof never overwrites the earlier one.
    expect(download.suggestedFilename()).to.equal(`preuve-de-vote-${world.demo.state.ballots[name]}-revision-${proof.revision}.json`);
    return proof;
  }

  /** The proof's vote is the VoteCast event of its transaction, in its block. */
  async function expectOnChain(proof: ProofOfVote, name: DemoBallotName, payload: string, revision = 0): Promise<void> {
    expect(proof.ballotId.toString()).to.equal(world.demo.state.ballots[name]);
    expect(proof.payload).to.equal(payload);
    expect(proof.revision).to.equal(revision);
    const receipt = await chain.getTransactionReceipt(proof.transactionHash);
    expect(receipt?.status).to.equal(1);
    expect(receipt!.blockHash).to.equal(proof.blockHash);
    expect(receipt!.blockNumber).to.equal(proof.blockNumber);
    const casts = receipt!.logs.map((l) => decodeBallotBoxLog(l, world.stack.ballotChain.ballotBox)).filter((e) => e?.event === "VoteCast");
    expect(casts.map((e) => e!.event === "VoteCast" && e.vote)).to.deep.include({
      ballotId: proof.ballotId, voter: proof.voter, revision: proof.revision, payload: proof.payload,
      tokenSignature: proof.tokenSignature, voterSignature: proof.voterSignature,
    });
  }

  async function confirmAndWait(page: Page, frame: FrameLocator, shots: DemoBallotName): Promise<void> {
    await shootWidget(page, shots, `${shots}-4-confirm`);
    await clickIn(page, shots, frame.getByRole("button", { name: "Confirmer et voter" }));
    await frame.getByRole("heading", { name: "Vote en cours" }).waitFor();
    await shootWidget(page, shots, `${shots}-5-progress`);
    await frame.getByRole("heading", { name: "A voté !" }).waitFor({ timeout: FINAL_TIMEOUT });
    expect(await frame.locator('li[data-step="final"]').getAttribute("data-state")).to.equal("done");
    expect(await frame.locator('li[data-step="final"]').textContent()).to.contain("Définitif");
    await shootWidget(page, shots, `${shots}-6-done`);
  }

  it("shows every demo ballot in its own frame on the partner page, accessibly", async () => {
    const { context, page } = await openDemo(world);
    try {
      await widget(page, "single").getByRole("heading", { name: /piétonniser/ }).waitFor();
      expect(await page.locator("iframe").count()).to.equal(5);
      // Each frame is titled by its question: what a screen reader announces on entering it.
      expect(await page.locator("section:has(#t-single) iframe").getAttribute("title")).to.match(/^Je vote\u00A0: .*piétonniser/);
      for (const name of ["sealed", "multiple", "judgment", "revote"] as const) await widget(page, name).getByRole("button", { name: /FranceConnect/ }).waitFor();
      // The frame is the vote host's page: the partner's scripts cannot reach into it.
      const reach = await page.evaluate(() => {
        try {
          return String((document.querySelector("iframe") as HTMLIFrameElement).contentDocument?.body);
        } catch (error) {
          return (error as Error).name;
        }
      });
      expect(reach).to.equal("undefined");
      await shoot(page, "demo-page");
      await expectAccessible(page, "demo page");
      // The compact mode (data-mode="button"): one button named by the question, no frame until
      // pressed; pressed, the widget takes its place and the focus.
      const compact = page.locator("section:has(#t-button)");
      const pressMe = compact.getByRole("button", { name: /^Je vote\s: .*piétonniser/ });
      await pressMe.waitFor();
      expect([await pressMe.textContent(), await compact.locator("iframe").count()]).to.deep.equal(["Je vote", 0]);
      await shootWidget(page, "button", "compact-1-button");
      await pressMe.click();
      await page.frameLocator("section:has(#t-button) iframe").getByRole("button", { name: /FranceConnect/ }).waitFor();
      await shootWidget(page, "button", "compact-2-opened");
      expect(await compact.getByRole("button").count()).to.equal(0);
      await page.waitForFunction(() => document.activeElement?.closest("section")?.querySelector("#t-button") !== null && document.activeElement?.tagName === "IFRAME");
      await expectAccessible(await frameOf(page, "single"), "widget first screen");
    } finally {
      await context.close();
    }
  });

  it("casts a single-choice vote end to end, and its proof matches the chain and the printed QR code", async () => {
    const { context, page } = await openDemo(world);
    try {
      const frame = widget(page, "single");
      await frame.getByRole("button", { name: /FranceConnect/ }).waitFor();
      await shootWidget(page, "single", "single-1-intro");
      await logIn(context, frame, "citizen-camille");
      await frame.getByText(/Vous allez voter en tant que Camille Martin, né\(e\) le 14 mars 1980/).waitFor();
      expect(await frame.getByText(/Code électoral/).count()).to.equal(1);
      await shootWidget(page, "single", "single-2-identity");
      await expectAccessible(await frameOf(page, "single"), "identity screen");
      await frame.getByRole("button", { name: "Continuer" }).click();
      await frame.getByRole("group", { name: /piétonniser/ }).waitFor();
      // Nothing chosen: the form says what is missing instead of sending anything.
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByText("Choisissez une réponse.").waitFor();
      await frame.getByRole("radio", { name: "Pour" }).check();
      await shootWidget(page, "single", "single-3-ballot");
      await expectAccessible(await frameOf(page, "single"), "ballot screen");
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByRole("heading", { name: "Confirmez votre vote" }).waitFor();
      await expectAccessible(await frameOf(page, "single"), "confirmation screen");
      await confirmAndWait(page, frame, "single");
      await expectAccessible(await frameOf(page, "single"), "done screen");
      const proof = await downloadProof(page, frame, "single");
      await expectOnChain(proof, "single", "0x00");
      // No revote on this ballot.
      expect(await frame.getByRole("button", { name: "Changer mon vote" }).count()).to.equal(0);

      const printOpened = context.waitForEvent("page");
      await frame.getByRole("button", { name: "Imprimer la preuve" }).click();
      const print = await printOpened;
      await print.locator("figure svg path").waitFor();
      await shoot(print, "single-7-print");
      await expectAccessible(print, "printable proof");
      expect(parseProof(decodeQr(await print.locator("figure svg").evaluate((svg) => ({
        viewBox: svg.getAttribute("viewBox")!, d: svg.querySelector("path")!.getAttribute("d")!,
      }))))).to.deep.equal(proof);
      await print.close();

      // The same citizen in another browser: told on the identity screen, before choosing.
      const other = await openDemo(world);
      try {
        const again = widget(other.page, "single");
        await logIn(other.context, again, "citizen-camille");
        await again.getByRole("alert").filter({ hasText: "Un jeton de vote vous a déjà été délivré pour ce scrutin" }).waitFor();
        expect(await again.getByRole("button", { name: "Continuer" }).count()).to.equal(0);
        await shootWidget(other.page, "single", "single-8-token-already-issued");
      } finally {
        await other.context.close();
      }
    } finally {
      await context.close();
    }
  });

  it("casts a multiple-choice vote with the keyboard only (Tab, Space, Enter)", async () => {
    const { context, page } = await openDemo(world);
    try {
      const frame = await frameOf(page, "multiple");
      await widget(page, "multiple").getByRole("button", { name: /FranceConnect/ }).waitFor();
      const focused = () => frame.evaluate(() => (document.hasFocus() ? document.activeElement?.textContent?.trim() ?? "" : "")).catch(() => "");
      const tabTo = async (target: () => Promise<boolean>) => {
        for (let i = 0; i < 60; i++) {
          if (await target()) return;
          await page.keyboard.press("Tab");
        }
        throw new Error("the keyboard never reached the target");
      };
      await tabTo(async () => /FranceConnect/.test(await focused()));
      const popupOpened = context.waitForEvent("page");
      await page.keyboard.press("Enter");
      const popup = await popupOpened;
      await popup.locator('button[value="citizen-lucas"]').waitFor();
      for (let i = 0; i < 30 && !(await popup.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value === "citizen-lucas")); i++) await popup.keyboard.press("Tab");
      const closed = popup.waitForEvent("close");
      await popup.keyboard.press("Enter");
      await closed;
      const w = widget(page, "multiple");
      await w.getByRole("button", { name: "Continuer" }).waitFor();
      await tabTo(async () => (await focused()) === "Continuer");
      await page.keyboard.press("Enter");
      await w.getByRole("checkbox", { name: "Pistes cyclables" }).waitFor();
      const checkbox = (label: string) => async () => frame.evaluate((l) => (document.activeElement as HTMLInputElement | null)?.parentElement?.textContent === l, label);
      await tabTo(checkbox("Jardins partagés"));
      await page.keyboard.press("Space");
      await tabTo(checkbox("Aire de jeux"));
      await page.keyboard.press("Space");
      await shootWidget(page, "multiple", "multiple-3-ballot");
      await tabTo(async () => (await focused()) === "Vérifier mon choix");
      await page.keyboard.press("Enter");
      await w.getByRole("heading", { name: "Confirmez votre vote" }).waitFor();
      await shootWidget(page, "multiple", "multiple-4-confirm");
      await tabTo(async () => (await focused()) === "Confirmer et voter");
      await page.keyboard.press("Enter");
      await w.getByRole("heading", { name: "A voté !" }).waitFor({ timeout: FINAL_TIMEOUT });
      await shootWidget(page, "multiple", "multiple-6-done");
      await expectOnChain(await downloadProof(page, w, "multiple"), "multiple", "0x0103");
    } finally {
      await context.close();
    }
  });

  it("casts a majority-judgment vote, one grade per candidate", async () => {
    const { context, page } = await openDemo(world);
    try {
      const frame = widget(page, "judgment");
      await logIn(context, frame, "citizen-camille");
      await frame.getByRole("button", { name: "Continuer" }).click();
      await frame.getByRole("group", { name: "Parc Simone-Veil" }).getByRole("radio", { name: "Très bien" }).check();
      await frame.getByRole("group", { name: "Parc des Tilleuls" }).getByRole("radio", { name: "Passable" }).check();
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByText("Attribuez une mention à chaque candidat : il en manque 1.").waitFor();
      await frame.getByRole("group", { name: "Parc Olympe-de-Gouges" }).getByRole("radio", { name: "Bien", exact: true }).check();
      await shootWidget(page, "judgment", "judgment-3-ballot");
      await expectAccessible(await frameOf(page, "judgment"), "majority judgment form");
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByText("Parc Olympe-de-Gouges : Bien").waitFor();
      await confirmAndWait(page, frame, "judgment");
      await expectOnChain(await downloadProof(page, frame, "judgment"), "judgment", "0x050204");
    } finally {
      await context.close();
    }
  });

  it("changes a vote on a ballot that allows it: same voter key, revision 1", async () => {
    const { context, page } = await openDemo(world);
    try {
      // The last widget of the page: each screen that shrinks its frame scrolls the page back (clickIn).
      const frame = widget(page, "revote");
      await logIn(context, frame, "citizen-odette");
      await continueToBallot(page, "revote");
      await clickIn(page, "revote", frame.getByRole("radio", { name: "Pour" }));
      await clickIn(page, "revote", frame.getByRole("button", { name: "Vérifier mon choix" }));
      await confirmAndWait(page, frame, "revote");
      const first = await downloadProof(page, frame, "revote");
      await expectOnChain(first, "revote", "0x00", 0);
      await clickIn(page, "revote", frame.getByRole("button", { name: "Changer mon vote" }));
      await clickIn(page, "revote", frame.getByRole("radio", { name: "Contre" }));
      await clickIn(page, "revote", frame.getByRole("button", { name: "Vérifier mon choix" }));
      await clickIn(page, "revote", frame.getByRole("button", { name: "Confirmer et voter" }));
      await frame.getByText(/bloc/).waitFor({ timeout: FINAL_TIMEOUT });
      await frame.getByRole("heading", { name: "A voté !" }).waitFor({ timeout: FINAL_TIMEOUT });
      await shootWidget(page, "revote", "revote-7-changed");
      const second = await downloadProof(page, frame, "revote");
      await expectOnChain(second, "revote", "0x01", 1);
      expect(second.voter).to.equal(first.voter);
      expect(second.tokenSignature).to.equal(first.tokenSignature);
    } finally {
      await context.close();
    }
  });

  it("refuses a second vote by the same citizen with a clear message and no retry, even when the early answer did not come", async () => {
    const { context, page } = await openDemo(world);
    try {
      const frame = widget(page, "single");
      // The identity screen's question is lost: the voter goes on, and the issuer still refuses the token.
      await context.route("**/v1/ballots/*/eligibility", (route) => route.abort("connectionreset"));
      await logIn(context, frame, "citizen-camille");
      await frame.getByRole("button", { name: "Continuer" }).click();
      await frame.getByRole("radio", { name: "Contre" }).check();
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByRole("button", { name: "Confirmer et voter" }).click();
      await frame.getByRole("alert").filter({ hasText: "Vous avez déjà voté à ce scrutin" }).waitFor();
      await frame.getByRole("heading", { name: "Vote interrompu" }).waitFor();
      expect(await frame.locator('li[data-step="token"]').getAttribute("data-state")).to.equal("failed");
      expect(await frame.getByRole("button", { name: "Réessayer" }).count()).to.equal(0);
      await shootWidget(page, "single", "single-8-already-voted");
      await expectAccessible(await frameOf(page, "single"), "already voted");
    } finally {
      await context.close();
    }
  });

  it("refuses a minor on a ballot for adults on the identity screen, before any choice, naming the rule", async () => {
    const { context, page } = await openDemo(world);
    try {
      const frame = widget(page, "single");
      await logIn(context, frame, "citizen-ines");
      // Said on the identity screen, before any choice: no "Continuer", only "Ce n'est pas moi".
      await frame.getByRole("alert").filter({ hasText: /Vous ne remplissez pas les conditions.*au moins 18 ans/ }).waitFor();
      expect(await frame.getByRole("button", { name: "Continuer" }).count()).to.equal(0);
      expect(await frame.getByRole("button", { name: "Ce n'est pas moi" }).count()).to.equal(1);
      await shootWidget(page, "single", "single-9-not-eligible");
    } finally {
      await context.close();
    }
  });

  it("when answers are lost on the network, offers Réessayer, and retrying reuses the same blinded message and the same ballot", async () => {
    const { context, page } = await openDemo(world);
    try {
      const frame = widget(page, "judgment");
      // The requests reach the server (which records them); only the answers are lost.
      const lost = { token: 0, vote: 0, blinded: [] as string[] };
      const relayHeaders: Record<string, string>[] = [];
      await context.route("**/v1/ballots/*/tokens", async (route) => {
        lost.blinded.push((route.request().postDataJSON() as { blindedMessage: string }).blindedMessage);
        await route.fetch();
        if (lost.token++ === 0) await route.abort("connectionreset");
        else await route.continue();
      });
      await context.route("**/v1/votes", async (route) => {
        relayHeaders.push(await route.request().allHeaders());
        await route.fetch();
        if (lost.vote++ === 0) await route.abort("connectionreset");
        else await route.continue();
      });
      await logIn(context, frame, "citizen-lucas");
      await frame.getByRole("button", { name: "Continuer" }).click();
      for (const candidate of ["Parc Simone-Veil", "Parc des Tilleuls", "Parc Olympe-de-Gouges"]) {
        await frame.getByRole("group", { name: candidate }).getByRole("radio", { name: "Insuffisant" }).check();
      }
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByRole("button", { name: "Confirmer et voter" }).click();
      await frame.getByRole("alert").filter({ hasText: "Le service de vote ne répond pas" }).waitFor();
      await shootWidget(page, "judgment", "judgment-8-network-retry");
      await frame.getByRole("button", { name: "Réessayer" }).click();
      await frame.getByRole("alert").filter({ hasText: "Le service de vote ne répond pas" }).waitFor();
      await frame.getByRole("button", { name: "Réessayer" }).click();
      await frame.getByRole("heading", { name: "A voté !" }).waitFor({ timeout: FINAL_TIMEOUT });
      expect(lost.blinded).to.have.length(2);
      expect(lost.blinded[1]).to.equal(lost.blinded[0]);
      // Nothing that identifies the voter goes to the relay.
      expect(relayHeaders).to.have.length(2);
      for (const headers of relayHeaders) expect(headers).not.to.have.any.keys("authorization", "cookie");
      const proof = await downloadProof(page, frame, "judgment");
      await expectOnChain(proof, "judgment", "0x010101");
      const casts = await chain.getLogs({ address: world.stack.ballotChain.ballotBox, fromBlock: 0, toBlock: "latest" });
      const mine = casts.map((l) => decodeBallotBoxLog(l, world.stack.ballotChain.ballotBox)).filter((e) => e?.event === "VoteCast" && e.vote.voter === proof.voter);
      expect(mine).to.have.length(1);
    } finally {
      await context.close();
    }
  });

  it("on a closed ballot, says so and offers no login", async () => {
    const app = (await world.stack.apps.get(world.demo.state.appId))!;
    const { id } = await world.stack.ballots.create(app, { sealing: "public", question: "Un scrutin bientôt clos ?", closesAt: new Date(Date.now() + 3_600_000).toISOString() });
    await world.stack.ballots.close(app, id);
    const context = await world.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${world.stack.apiUrl}/widget/${id}`);
      await page.getByText("Ce scrutin est clos : il n'est plus possible de voter.").waitFor();
      expect(await page.getByRole("button", { name: /FranceConnect/ }).count()).to.equal(0);
      await shoot(page, "closed-ballot");
    } finally {
      await context.close();
    }
  });

  it("speaks English with data-lang=\"en\"", async () => {
    const { context, page } = await openDemo(world, "?lang=en");
    try {
      await widget(page, "judgment").getByRole("button", { name: "Sign in with FranceConnect" }).waitFor();
      await widget(page, "judgment").getByText("Give a grade to every candidate (majority judgment).").waitFor();
      for (const name of ["single", "multiple", "revote"] as const) await widget(page, name).getByRole("button", { name: "Sign in with FranceConnect" }).waitFor();
      // Its links keep the language, and say they open a new window.
      const links = widget(page, "judgment").getByRole("link");
      expect(await links.evaluateAll((all) => all.map((a) => [a.textContent, a.getAttribute("href")!.replace(/\/results\/\d+/, "/results/ID"), a.getAttribute("target")]))).to.deep.equal([
        ["What is FranceConnect? ↗ (new window)", "https://franceconnect.gouv.fr/", "_blank"], // under its button, as its guidelines ask
        ["Verify a vote ↗ (new window)", "/verify?lang=en", "_blank"],
        ["See the results ↗ (new window)", "/results/ID?lang=en", "_blank"],
      ]);
      await shoot(page, "demo-page-en");
    } finally {
      await context.close();
    }
  });

  it("on a site that is not allowed, says so in place and frames nothing (and the browser refuses a hand-made frame)", async () => {
    const ballot = world.demo.state.ballots.single;
    const voteHost = new URL(world.stack.apiUrl).origin;
    const other = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="fr"><head><title>Autre site</title></head><body><main>
<h1>Un site non autorisé</h1>${embedTag({ voteHost, ballotId: ballot, fingerprint: world.demo.state.fingerprints.single })}
<iframe id="forced" title="cadre forcé" src="${voteHost}/widget/${ballot}"></iframe></main></body></html>`);
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const { context, page } = await openDemo(world);
    try {
      await page.goto(`http://localhost:${(other.address() as AddressInfo).port}/`);
      await page.getByText("Ce site n'est pas autorisé à proposer ce vote.").waitFor();
      expect(await page.locator("iframe.urne-widget").count()).to.equal(0);
      // frame-ancestors: the widget page never renders in a frame of this site.
      await page.waitForLoadState("load");
      const forced = await (await page.locator("#forced").elementHandle())!.contentFrame();
      expect(await forced!.locator("#urne-widget").count()).to.equal(0);
      await shoot(page, "not-allowed");
    } finally {
      await context.close();
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it("says on its first screen, before any login, that a tag carries another ballot's fingerprint", async () => {
    const { context, page } = await openDemo(world);
    try {
      const ballot = world.demo.state.ballots.single;
      // The widget page as embed.js frames it, with the fingerprint of another demo ballot (a tag copied wrong).
      await page.goto(`${world.stack.apiUrl}/widget/${ballot}?fingerprint=${world.demo.state.fingerprints.multiple}`);
      await page.getByRole("alert").filter({ hasText: "la balise de ce site ne correspond pas à ce scrutin" }).waitFor();
      expect(await page.getByRole("button", { name: /FranceConnect/ }).count()).to.equal(0);
      // The right one: the login button, no alert.
      await page.goto(`${world.stack.apiUrl}/widget/${ballot}?fingerprint=${world.demo.state.fingerprints.single}`);
      await page.getByRole("button", { name: /FranceConnect/ }).waitFor();
      expect(await page.getByRole("alert").count()).to.equal(0);
    } finally {
      await context.close();
    }
  });
});

/** Reads back the QR code drawn as an SVG path of 1×1 modules (client/shared/qr-svg.ts). */
function decodeQr({ viewBox, d }: { viewBox: string; d: string }): string {
  const size = Number(viewBox.split(" ")[2]);
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y] of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const i = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
      }
    }
  }
  // jsqr is CommonJS with a default export: its function is under .default from ESM.
  const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule }).default ?? jsQRModule;
  const code = (jsQR as unknown as (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null)(pixels, width, width);
  if (!code) throw new Error("the QR code does not decode");
  return code.data;
}
