// A sealed ballot in the "Je vote" widget, in real Chromium, end to end: an organizer's key
// ceremony of 3 trustees (2 of 3) through the API with `urne trustee`, a sealed ballot made
// from it, a citizen who votes in the widget on the partner's page (told that the ballot is
// encrypted, shown a tracking code), the proof on chain holding a sealed payload whose
// tracker is the voter's record, then the close, two trustees' shares, and the API's
// results: the count of the option the citizen chose, which nobody read on the way.
// On the way, the Benaloh challenge: the citizen opens a first sealed ballot ("Vérifier le
// chiffrement"), whose audit file `urne audit-ballot` and the verify page accept (and
// refuse once changed), and which never reaches the chain; the ballot cast is a fresh one,
// the tracker shown before casting. A sealing worker whose code is not the release's is
// refused by the browser: nothing is sealed, nothing sent.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { parseProof } from "../../../protocol/index.js";
import { checkProof } from "../../../protocol/audit/proof-checks.js";
import { JsonRpcClient } from "../../../protocol/json-rpc.js";
import { sealedLayout } from "../../../protocol/sealed/sealed-layout.js";
import { trackerOf, trackerText } from "../../../protocol/sealed/tracker.js";
import { parseBallotAudit } from "../../../protocol/sealed/ballot-audit.js";
import { run as auditBallot } from "../../../observer/cli/audit-ballot.js";
import { getBytes } from "ethers";
import { embedTag } from "../../../protocol/embed-tag.js";
import { call, inSeconds } from "../../server/api/stack-fixture.js";
import { finishedCeremony, trusteeStep } from "../../helpers/key-ceremony.js";
import { screenshot } from "../../helpers/browser.js";
import { expectAccessible, logIn, startWidgetWorld, type WidgetWorld } from "./widget-fixture.js";

describe("the Je vote widget on a sealed ballot (Chromium)", function () {
  this.timeout(240_000);
  let world: WidgetWorld;
  let partner: http.Server;
  let dir: string;
  let page = "";

  before(async () => {
    world = await startWidgetWorld();
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-widget-sealed-"));
    partner = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    });
    await new Promise<void>((resolve) => partner.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    partner?.closeAllConnections();
    await new Promise((resolve) => partner?.close(resolve));
    await world?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("seals the citizen's choice in the browser; the trustees' shares open it to the right count", async () => {
    const { stack } = world;
    const origin = `http://localhost:${(partner.address() as AddressInfo).port}`;
    const { apiKey } = await stack.apps.create({ name: "Partenaire", origins: [origin] });
    const trustees = Array.from({ length: 3 }, () => Wallet.createRandom());
    const ceremony = await finishedCeremony(stack, apiKey, trustees, 2, dir);
    const created = await call(stack, "POST", "/v1/ballots", {
      key: apiKey, body: { question: "Faut-il ouvrir la médiathèque le dimanche ?", closesAt: inSeconds(3600), sealing: { ceremony: ceremony.ceremonyId } },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const ballot = created.body.ballot;
    page = `<!doctype html><html lang="fr"><head><title>Partenaire</title></head><body><main><h1>Consultation</h1>
${embedTag({ voteHost: new URL(stack.apiUrl).origin, ballotId: ballot.id, fingerprint: ballot.fingerprint })}</main></body></html>`;

    // A sealing worker changed on the way (a cache, a CDN): the browser refuses its code, nothing is sealed or sent.
    const tampered = await world.browser.newContext({ viewport: { width: 900, height: 900 } });
    try {
      let workerFetched = 0;
      await tampered.route("**/assets/seal-worker.js", async (route) => {
        workerFetched += 1;
        const original = await route.fetch();
        await route.fulfill({ response: original, body: (await original.text()).replace("use strict", "use strict;self.leak=1") });
      });
      const tab = await tampered.newPage();
      await tab.goto(origin + "/");
      const frame = tab.frameLocator("iframe.urne-widget");
      await logIn(tampered, frame, "citizen-lucas");
      await frame.getByRole("button", { name: "Continuer" }).click();
      await frame.getByRole("radio", { name: "Pour" }).check();
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByRole("alert").getByText(/Le code de chiffrement reçu n'est pas celui de ce service/).waitFor();
      expect(workerFetched).to.equal(1);
      expect(await frame.locator("[data-tracker-pending]").count()).to.equal(0);
      expect(await frame.getByRole("button", { name: "Confirmer et voter" }).count()).to.equal(0);
      await screenshot(tab, "widget-sealed-worker-refused");
    } finally {
      await tampered.close();
    }

    const context = await world.browser.newContext({ acceptDownloads: true, viewport: { width: 900, height: 900 } });
    let auditText = "";
    let audited = "";
    let castTracker: string | null = null;
    try {
      const tab = await context.newPage();
      await tab.goto(origin + "/");
      const frame = tab.frameLocator("iframe.urne-widget");
      await frame.getByRole("heading", { name: /médiathèque/ }).waitFor();
      await logIn(context, frame, "citizen-camille");
      await frame.getByRole("button", { name: "Continuer" }).click();
      await frame.getByRole("radio", { name: "Contre" }).check();
      await frame.getByRole("button", { name: "Vérifier mon choix" }).click();
      await frame.getByRole("heading", { name: "Confirmez votre vote" }).waitFor();
      // The chain says sealed: the citizen is told the ballot is encrypted, not public.
      await frame.getByText(/chiffré dans ce navigateur/).waitFor();
      expect(await frame.getByText(/sera public sur la chaîne/).count()).to.equal(0);
      // Sealed before it is cast: its tracker is shown, with the choice to open it instead.
      const pending = frame.locator("[data-tracker-pending]");
      await pending.waitFor();
      audited = (await pending.textContent())!;
      expect(audited).to.match(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      await screenshot(tab, "widget-sealed-confirm");
      const confirmHandle = await (await tab.locator("iframe.urne-widget").elementHandle())!.contentFrame();
      await expectAccessible(confirmHandle!, "sealed confirm screen");

      // The Benaloh challenge: this ballot is opened, its audit file downloaded; it is never cast.
      await frame.getByRole("button", { name: "Vérifier le chiffrement" }).click();
      await frame.getByRole("heading", { name: "Bulletin ouvert pour vérification" }).waitFor();
      await frame.getByText(new RegExp(`Le bulletin ${audited} a été ouvert`)).waitFor();
      const auditDownload = tab.waitForEvent("download");
      await frame.getByRole("link", { name: "Télécharger le fichier d'audit" }).click();
      const download = await auditDownload;
      expect(download.suggestedFilename()).to.equal(`audit-bulletin-${ballot.id}-${audited}.json`);
      const auditPath = path.join(dir, "audit.json");
      await download.saveAs(auditPath);
      auditText = await readFile(auditPath, "utf8");
      const audit = parseBallotAudit(auditText);
      expect(audit.choice).to.deep.equal({ kind: 0, option: 1 }); // "Contre"
      expect(trackerText(audit.tracker)).to.equal(audited);
      expect(await auditBallot([auditPath])).to.equal(0);
      const forgedPath = path.join(dir, "audit-forged.json");
      await writeFile(forgedPath, JSON.stringify({ ...JSON.parse(auditText), choice: { kind: 0, option: 0 } }));
      expect(await auditBallot([forgedPath])).to.equal(1);
      await screenshot(tab, "widget-sealed-audit");

      // Going on seals the choice again: a new tracker, and that ballot is the one cast.
      await frame.getByRole("button", { name: "Chiffrer à nouveau et continuer" }).click();
      await frame.getByRole("heading", { name: "Confirmez votre vote" }).waitFor();
      await pending.waitFor();
      castTracker = await pending.textContent();
      expect(castTracker).to.not.equal(audited);
      await frame.getByRole("button", { name: "Confirmer et voter" }).click();
      await frame.getByRole("heading", { name: "A voté !" }).waitFor({ timeout: 60_000 }).catch(async (error) => {
        await screenshot(tab, "widget-sealed-stuck");
        throw new Error(`${(error as Error).message}\nthe widget shows: ${(await frame.locator("body").textContent())?.slice(0, 600)}`);
      });
      const shown = await frame.locator("[data-tracker]").textContent();
      expect(shown).to.equal(castTracker);
      await screenshot(tab, "widget-sealed-done");
      const frameHandle = await (await tab.locator("iframe.urne-widget").elementHandle())!.contentFrame();
      await expectAccessible(frameHandle!, "sealed done screen");

      const downloading = tab.waitForEvent("download");
      await frame.getByRole("link", { name: /Télécharger la preuve/ }).click();
      const proofText = await readFile((await (await downloading).path())!, "utf8");
      const proof = parseProof(proofText);
      // The payload on chain is a sealed ballot of this layout; its tracker is the one shown and the voter's record.
      const rules = { kind: 0 as const, optionCount: 3, minChoices: 0, maxChoices: 0 };
      expect(getBytes(proof.payload).length).to.equal(sealedLayout(rules).bytes);
      const tracker = trackerOf(getBytes(proof.payload));
      expect(trackerText(tracker)).to.equal(shown);
      expect(await stack.ballotChain.box.trackerOf(BigInt(ballot.id), proof.voter)).to.equal("0x" + tracker.slice(-48));
      // The proof of a sealed vote passes P1-P9 against the node, P4 naming its tracker.
      const checks = await checkProof(proofText, new JsonRpcClient(stack.rpcUrl));
      expect(checks.map((c) => [c.step, c.ok])).to.deep.equal(["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"].map((step) => [step, true]));
      expect(checks.find((c) => c.step === "P4")!.detail.fr).to.include(`code de suivi ${shown}`);
      // The audited ballot is nowhere on chain: no log of the ballot box holds its payload.
      const auditedPayload = parseBallotAudit(auditText).payload.slice(2);
      const logs = await stack.ballotChain.provider.getLogs({ address: await stack.ballotChain.box.getAddress(), fromBlock: 0, toBlock: "latest" });
      expect(logs.some((log) => log.data.includes(proof.payload.slice(2)))).to.equal(true);
      expect(logs.some((log) => log.data.includes(auditedPayload))).to.equal(false);
    } finally {
      await context.close();
    }

    // The verify page checks the audit file in the browser (A1-A4), and names the step a changed file fails.
    const verifyContext = await world.browser.newContext();
    try {
      const verifyPage = await verifyContext.newPage();
      await verifyPage.goto(`${stack.apiUrl}/verify`);
      await verifyPage.locator("#proof-file").setInputFiles({ name: "audit.json", mimeType: "application/json", buffer: Buffer.from(auditText) });
      await verifyPage.getByText(/Fichier d'audit valide/).waitFor();
      expect(await verifyPage.locator("ol.checks li[data-ok=true]").evaluateAll((items) => items.map((li) => li.getAttribute("data-step")))).to.deep.equal(["A1", "A2", "A3", "A4"]);
      await verifyPage.getByText("il chiffre : réponse n° 2").waitFor();
      await screenshot(verifyPage, "verify-audit-valid");
      const forged = JSON.stringify({ ...JSON.parse(auditText), choice: { kind: 0, option: 0 } });
      await verifyPage.locator("#proof-file").setInputFiles({ name: "audit-forged.json", mimeType: "application/json", buffer: Buffer.from(forged) });
      await verifyPage.getByText(/Fichier d'audit NON valide \(A4\)/).waitFor();
      expect(await verifyPage.locator('ol.checks li[data-step="A4"]').getAttribute("data-ok")).to.equal("false");
      await screenshot(verifyPage, "verify-audit-forged");
    } finally {
      await verifyContext.close();
    }

    // The close, two of the three trustees' shares, and the API's results: one vote for "Contre".
    expect((await call(stack, "POST", `/v1/ballots/${ballot.id}/close`, { key: apiKey, body: {} })).status).to.equal(200);
    // Closed, no share yet: the results page says what it waits for, and no number.
    const resultsContext = await world.browser.newContext();
    try {
      const resultsPage = await resultsContext.newPage();
      await resultsPage.goto(`${stack.apiUrl}/results/${ballot.id}`);
      await resultsPage.getByText("Scrutin scellé : les résultats seront publiés quand assez de garants auront déchiffré le total.").waitFor();
      await resultsPage.getByText("Parts de déchiffrement valides publiées : 0 sur 2 nécessaires.").waitFor();
      // Each trustee's share, by its account: none is in yet.
      const shares = resultsPage.getByRole("list", { name: "Parts de déchiffrement" }).getByRole("listitem");
      expect(await shares.allInnerTexts()).to.deep.equal(trustees.map((w, i) => `Garant ${i + 1} ${w.address.slice(0, 6)}…${w.address.slice(-4)} en attente`));
      // The voter finds their ballot by its tracking code, typed as people type it; the audited one is not there.
      await resultsPage.getByRole("heading", { name: "Codes de suivi des bulletins comptés" }).waitFor();
      await resultsPage.getByLabel("Votre code de suivi").fill(castTracker!.toLowerCase().replace(/-/g, " "));
      await resultsPage.getByRole("button", { name: "Chercher" }).click();
      await resultsPage.getByText(`Trouvé : le bulletin ${castTracker} est compté`).waitFor();
      await resultsPage.getByLabel("Votre code de suivi").fill(audited);
      await resultsPage.getByRole("button", { name: "Chercher" }).click();
      await resultsPage.getByText(`Le code ${audited} n'est pas parmi les bulletins comptés.`).waitFor();
      await screenshot(resultsPage, "results-sealed-awaiting");
      await expectAccessible(resultsPage.mainFrame(), "sealed results page with trackers");
    } finally {
      await resultsContext.close();
    }
    const admin = new Wallet(stack.chain.operators.admin.privateKey, stack.ballotChain.provider);
    for (const [i, w] of trustees.slice(0, 2).entries()) {
      await (await admin.sendTransaction({ to: w.address, value: 10n ** 17n })).wait();
      expect(await trusteeStep(stack.apiUrl, dir, ceremony.ceremonyId, w, i, "decrypt", ["--rpc", stack.rpcUrl, "--ballot", ballot.id])).to.equal(0);
    }
    let results = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    for (let i = 0; results.status === 409 && i < 60; i++) {
      await new Promise((r) => setTimeout(r, 500));
      results = await call(stack, "GET", `/v1/ballots/${ballot.id}/results`);
    }
    expect(results.status, JSON.stringify(results.body)).to.equal(200);
    expect(results.body.results.options.map((o: { label: string; votes: number }) => [o.label, o.votes])).to.deep.equal([["Pour", 0], ["Contre", 1], ["Abstention", 0]]);
    expect(results.body.results.sealed).to.deep.include({ status: "opened", sharesValid: 2, ballotsCounted: 1 });
  });
});
