// The widget trusts neither the vote host nor one node (SECURITY.md, Widget). A node that
// shows one voter another issuer key for the ballot (an operator that would learn that
// voter's choice before the vote is refused) is refused before the ballot form appears:
// by the fingerprint the partner put in the embed tag, by a second node, or, for a node
// that changes the event under the honest block, by the block's receipts root. In each
// case no token is asked for and nothing is sent to the relay. Real Chromium, real stack.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { BrowserContext, Page } from "playwright-core";
import { forgeBallotCreated, serveForged } from "../../helpers/forged-ballot.js";
import { startLyingNode, type LyingNode } from "../../helpers/lying-node.js";
import { logIn, shoot, startWidgetWorld, type WidgetWorld } from "./widget-fixture.js";

describe("the widget against a lying node (Chromium)", function () {
  this.timeout(180_000);
  let world: WidgetWorld;
  let site: http.Server;
  let siteUrl: string;
  let ballot: { id: string; fingerprint: string; blockNumber: number };
  const liars: LyingNode[] = [];

  before(async () => {
    world = await startWidgetWorld();
    // A partner site of its own, with an app whose only origin it is, and one ballot.
    site = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://site.invalid");
      const attrs = [`data-ballot="${ballot.id}"`, url.searchParams.get("fp") ? `data-fingerprint="${url.searchParams.get("fp")}"` : "", url.searchParams.get("nodes") ? `data-nodes="${url.searchParams.get("nodes")}"` : ""].join(" ");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="fr"><head><title>Partenaire</title></head>
<body><main><h1>Un partenaire</h1><script src="${world.stack.apiUrl}/embed.js" ${attrs} async></script></main></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
    const { apiKey } = await world.stack.apps.create({ name: "Partenaire", origins: [siteUrl] });
    const created = await fetch(`${world.stack.apiUrl}/v1/ballots`, {
      method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ sealing: "public", question: "Faut-il rénover le lavoir ?", closesAt: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    const body = (await created.json()) as { ballot: { id: string; fingerprint: string; chain: { blockNumber: number } } };
    ballot = { id: body.ballot.id, fingerprint: body.ballot.fingerprint, blockNumber: body.ballot.chain.blockNumber };
    expect(ballot.fingerprint).to.match(/^0x[0-9a-f]{64}$/);
  });
  after(async () => {
    for (const liar of liars) await liar.close();
    site?.close();
    await world?.stop();
  });

  /** A node that serves the forged block (rehashed, or with the honest header when `rehash` is false). */
  async function liar(rehash = true): Promise<string> {
    const forged = await forgeBallotCreated(world.stack.rpcUrl, world.stack.ballotChain.ballotBox, BigInt(ballot.id), ballot.blockNumber, rehash);
    const node = await startLyingNode(world.stack.rpcUrl, serveForged(forged));
    liars.push(node);
    return node.rpcUrl;
  }

  /** An honest node at another address (the same chain, through a proxy that changes nothing). */
  async function honest(): Promise<string> {
    const node = await startLyingNode(world.stack.rpcUrl, (_m, _p, result) => result);
    liars.push(node);
    return node.rpcUrl;
  }

  /** Opens the partner page with this tag, logs in, goes on to the ballot; returns what the widget shows and every request it made. */
  async function attempt(query: Record<string, string>, shot?: string, prepare?: (context: BrowserContext) => Promise<void>): Promise<{ alert: string | null; form: boolean; requests: string[]; context: BrowserContext; page: Page }> {
    const context = await world.browser.newContext({ viewport: { width: 900, height: 900 } });
    await prepare?.(context);
    const requests: string[] = [];
    context.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
    const page = await context.newPage();
    await page.goto(`${siteUrl}/?${new URLSearchParams(query)}`);
    const frame = page.frameLocator("iframe");
    await logIn(context, frame, "citizen-camille");
    await frame.getByRole("button", { name: "Continuer" }).click();
    const alert = frame.locator(".error[role=alert]"); // the ballot form has an empty alert of its own, for its problems
    const form = frame.getByRole("group", { name: /lavoir/ });
    await Promise.race([alert.waitFor(), form.waitFor()]);
    if (shot) await shoot(page, shot);
    return { alert: (await alert.count()) ? await alert.textContent() : null, form: (await form.count()) > 0, requests, context, page };
  }

  const leaked = (requests: string[]) => requests.filter((r) => r.includes("/tokens") || r.includes("/v1/votes"));

  it("shows the ballot when the tag's nodes agree with the chain and the fingerprint matches", async () => {
    const a = await attempt({ fp: ballot.fingerprint, nodes: `${world.stack.rpcUrl},${await honest()}` });
    try {
      expect(a.alert).to.equal(null);
      expect(a.form).to.equal(true);
    } finally {
      await a.context.close();
    }
  });

  it("refuses a node that serves another issuer key in a forged block, by the tag's fingerprint, before any choice", async () => {
    const a = await attempt({ fp: ballot.fingerprint, nodes: await liar() }, "lying-node-fingerprint");
    try {
      expect(a.form).to.equal(false);
      expect(a.alert).to.contain("n'est pas celui que ce site a annoncé");
      expect(leaked(a.requests)).to.deep.equal([]);
    } finally {
      await a.context.close();
    }
  });

  it("refuses it, without a fingerprint, when a second node tells another block", async () => {
    const a = await attempt({ nodes: `${world.stack.rpcUrl},${await liar()}` }, "lying-node-disagree");
    try {
      expect(a.form).to.equal(false);
      expect(a.alert).to.contain("ne montrent pas le même scrutin");
      expect(leaked(a.requests)).to.deep.equal([]);
    } finally {
      await a.context.close();
    }
  });

  it("refuses a node that changes the event under the honest block hash, by its receipts root", async () => {
    const a = await attempt({ nodes: await liar(false) });
    try {
      expect(a.form).to.equal(false);
      expect(a.alert).to.contain("n'a pas pu être vérifié sur la chaîne");
      expect(leaked(a.requests)).to.deep.equal([]);
    } finally {
      await a.context.close();
    }
  });

  it("says at once, before any login, that a tag's fingerprint is not the ballot's", async () => {
    const context = await world.browser.newContext({ viewport: { width: 900, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${siteUrl}/?${new URLSearchParams({ fp: "0x" + "ab".repeat(32) })}`);
      const frame = page.frameLocator("iframe");
      await frame.getByRole("alert").filter({ hasText: "la balise de ce site ne correspond pas à ce scrutin" }).waitFor();
      expect(await frame.getByRole("button", { name: /FranceConnect/ }).count()).to.equal(0);
    } finally {
      await context.close();
    }
  });

  it("refuses a tag whose fingerprint is not the ballot's on chain, even when the vote host echoes the tag's", async () => {
    // A vote host that hides the mismatch from the first screen: the chain's check still refuses, before any choice.
    const fake = "0x" + "ab".repeat(32);
    const a = await attempt({ fp: fake }, undefined, async (context) => {
      await context.route("**/v1/widget/ballots/*", async (route) => {
        const served = await route.fetch();
        const body = await served.json();
        await route.fulfill({ response: served, json: { ballot: { ...body.ballot, fingerprint: fake } } });
      });
    });
    try {
      expect(a.form).to.equal(false);
      expect(a.alert).to.contain("n'est pas celui que ce site a annoncé");
      expect(leaked(a.requests)).to.deep.equal([]);
    } finally {
      await a.context.close();
    }
  });
});
