// The widget's server side (server/web/widget-routes.ts) over HTTP: the framing policy of
// the widget page (frame-ancestors = exactly the ballot's app origins, never "*"), its CSP,
// the public ballot endpoint and the embed check, each bad input a coded error naming the
// field; and the origin policy that lets the hosted widget log in and ask for tokens.
import { createHash } from "node:crypto";
import { expect } from "chai";
import type { App } from "../../../server/apps/app-registry.js";
import { contentSecurityPolicy } from "../../../server/web/page-headers.js";
import { call, inSeconds, startTestStack, type TestStack } from "../../server/api/stack-fixture.js";

const PARTNER = "https://mavoix.example";
const SECOND = "https://www.mavoix.example";
const STRANGER = "https://evil.example";

/** The CSP source that allows the page's import map, computed here from its text. */
function importMapHash(html: string): string {
  const text = /<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1];
  if (text === undefined) throw new Error("no import map in the page");
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

function csp(headers: Headers): Map<string, string> {
  const value = headers.get("content-security-policy") ?? "";
  return new Map(value.split(";").map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...rest] = d.split(/\s+/);
    return [name, rest.join(" ")];
  }));
}

async function page(stack: TestStack, route: string): Promise<{ status: number; headers: Headers; html: string }> {
  const res = await fetch(stack.apiUrl + route);
  return { status: res.status, headers: res.headers, html: await res.text() };
}

describe("widget routes", function () {
  this.timeout(60_000);
  let stack: TestStack;
  let app: App;
  let ballotId: string;

  before(async () => {
    stack = await startTestStack();
    app = (await stack.apps.create({ name: "partner", origins: [PARTNER, SECOND] })).app;
    ballotId = (await stack.ballots.create(app, {
      sealing: "public", question: "Pour ou contre ?", closesAt: inSeconds(3600), eligibility: { minimumAge: 16 }, allowRevote: true,
    })).id;
  });
  after(async () => stack?.destroy());

  describe("GET /widget/:id", () => {
    it("may be framed by exactly the origins of the ballot's app and the vote host's own pages (the console's preview), under a strict CSP", async () => {
      const { status, headers, html } = await page(stack, `/widget/${ballotId}?lang=en&host=${encodeURIComponent(SECOND)}`);
      expect(status).to.equal(200);
      expect(headers.get("content-type")).to.match(/^text\/html/);
      const policy = csp(headers);
      expect(policy.get("frame-ancestors")).to.equal(`'self' ${PARTNER} ${SECOND}`);
      expect(policy.has("frame-src")).to.equal(false); // it frames nothing itself
      // Its own origin, and its one inline script by hash: the import map that pins every module (server/web/page-code.ts).
      expect(policy.get("script-src")).to.equal(`'self' ${importMapHash(html)}`);
      expect(policy.get("default-src")).to.equal("'none'");
      // The chain node, and the relay: ballots go to its origin, never to the vote host.
      expect(policy.get("connect-src")).to.equal(`'self' ${stack.rpcUrl} ${new URL(stack.relayUrl).origin}`);
      expect(policy.get("base-uri")).to.equal("'none'");
      expect(headers.get("content-security-policy")).not.to.include("*");
      expect(headers.get("content-security-policy")).not.to.include("unsafe");
      expect(headers.get("x-frame-options")).to.equal(null); // frame-ancestors decides
      expect(headers.get("cache-control")).to.equal("no-store");
      expect(html).to.include('<html lang="en">');
      expect(html).to.include(`"host":"${SECOND}"`);
      // No inline script but the import map: the module from this origin and a JSON data block.
      expect(html.match(/<script(?![^>]*(src="\/assets\/widget\.js"|type="application\/json"|type="importmap"))/g)).to.equal(null);
      expect(html.match(/<script type="importmap">/g)).to.have.length(1);
    });

    it("refuses a host the ballot's app does not list, and lets nobody frame the refusal", async () => {
      const { status, headers, html } = await page(stack, `/widget/${ballotId}?host=${encodeURIComponent(STRANGER)}`);
      expect(status).to.equal(403);
      expect(csp(headers).get("frame-ancestors")).to.equal("'none'");
      expect(html).to.include("ERR_ORIGIN_NOT_ALLOWED");
    });

    it("refuses a host that is not an origin", async () => {
      const { status, html } = await page(stack, `/widget/${ballotId}?host=${encodeURIComponent(PARTNER + "/page")}`);
      expect(status).to.equal(403);
      expect(html).to.include("ERR_ORIGIN_NOT_ALLOWED");
    });

    it("refuses a language it does not speak, naming the parameter's code", async () => {
      const { status, headers, html } = await page(stack, `/widget/${ballotId}?lang=de`);
      expect(status).to.equal(400);
      expect(html).to.include("ERR_INVALID_QUERY");
      expect(csp(headers).get("frame-ancestors")).to.equal("'none'");
    });

    for (const id of ["abc", "01", "9".repeat(79), "424242"]) {
      it(`answers 404 for the ballot id "${id.slice(0, 12)}"`, async () => {
        const { status, headers, html } = await page(stack, `/widget/${id}`);
        expect(status).to.equal(404);
        expect(html).to.include("ERR_BALLOT_NOT_FOUND");
        expect(csp(headers).get("frame-ancestors")).to.equal("'none'");
      });
    }

    it("may be framed by nobody once the app is revoked", async () => {
      const other = (await stack.apps.create({ name: "gone", origins: ["https://gone.example"] })).app;
      const id = (await stack.ballots.create(other, { sealing: "public", question: "Q ?", closesAt: inSeconds(3600) })).id;
      expect(csp((await page(stack, `/widget/${id}`)).headers).get("frame-ancestors")).to.equal("'self' https://gone.example");
      await stack.apps.revoke(other.id);
      const { status, headers } = await page(stack, `/widget/${id}`);
      expect(status).to.equal(403);
      expect(csp(headers).get("frame-ancestors")).to.equal("'none'");
    });
  });

  describe("contentSecurityPolicy", () => {
    for (const bad of ["*", "https://*.mavoix.example", "https://mavoix.example/page", "https://a.example https://b.example", "'self'"]) {
      it(`refuses to write frame-ancestors with "${bad}"`, () => {
        expect(() => contentSecurityPolicy({ frameAncestors: [bad] })).to.throw(TypeError);
      });
    }
  });

  describe("GET /v1/widget/ballots/:id", () => {
    it("answers the ballot's public facts, its eligibility in words and where it is on chain, and no key", async () => {
      const { status, body } = await call(stack, "GET", `/v1/widget/ballots/${ballotId}`);
      expect(status).to.equal(200);
      const b = body.ballot;
      expect(b).to.include({ id: ballotId, question: "Pour ou contre ?", kind: "single_choice", status: "open", allowRevote: true, minChoices: 0, maxChoices: 0 });
      expect(b.options).to.deep.equal(["Pour", "Contre", "Abstention"]);
      expect(b.eligibility.minimumAge).to.equal(16);
      expect(b.eligibility.fr).to.match(/au moins 16 ans/);
      expect(b.eligibility.en).to.match(/at least 16 years/);
      expect(b.chain).to.include({ chainId: stack.chain.chainId.toString(), ballotBox: stack.ballotChain.ballotBox });
      expect(b.chain.rpcUrls).to.deep.equal([stack.rpcUrl]);
      expect(b.chain.blockNumber).to.be.a("number");
      expect(b).not.to.have.any.keys("issuerKey", "appId", "issuerKeyId");
    });

    for (const id of ["abc", "-1", "1e3", "424242"]) {
      it(`answers ERR_BALLOT_NOT_FOUND naming ballotId for "${id}"`, async () => {
        const { status, body } = await call(stack, "GET", `/v1/widget/ballots/${id}`);
        expect(status).to.equal(404);
        expect(body.error.code).to.equal("ERR_BALLOT_NOT_FOUND");
        expect(body.error.field).to.equal("ballotId");
      });
    }
  });

  describe("GET /v1/widget/ballots/:id/allowed", () => {
    it("says yes to the app's origins, readable by that origin only", async () => {
      const { status, body, headers } = await call(stack, "GET", `/v1/widget/ballots/${ballotId}/allowed`, { headers: { origin: SECOND } });
      expect(status).to.equal(200);
      expect(body).to.deep.equal({ allowed: true, question: "Pour ou contre ?" }); // it titles the frame
      expect(headers.get("access-control-allow-origin")).to.equal(SECOND);
      expect(headers.get("vary")).to.match(/Origin/);
    });

    it("says no to another site, and never answers with a wildcard", async () => {
      const { body, headers } = await call(stack, "GET", `/v1/widget/ballots/${ballotId}/allowed`, { headers: { origin: STRANGER } });
      expect(body).to.deep.equal({ allowed: false });
      expect(headers.get("access-control-allow-origin")).to.equal(STRANGER);
    });

    it("needs the Origin header, and a real origin in it", async () => {
      const missing = await call(stack, "GET", `/v1/widget/ballots/${ballotId}/allowed`);
      expect(missing.status).to.equal(400);
      expect(missing.body.error).to.include({ code: "ERR_ORIGIN_REQUIRED", field: "origin" });
      const opaque = await call(stack, "GET", `/v1/widget/ballots/${ballotId}/allowed`, { headers: { origin: "null" } });
      expect(opaque.status).to.equal(403);
      expect(opaque.body.error).to.include({ code: "ERR_ORIGIN_NOT_ALLOWED", field: "origin" });
    });
  });

  describe("embed.js and the printable proof", () => {
    it("serves embed.js as a script any page may load", async () => {
      const res = await fetch(`${stack.apiUrl}/embed.js`);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/javascript/);
      expect(res.headers.get("cross-origin-resource-policy")).to.equal("cross-origin");
      expect(await res.text()).to.include("/v1/widget/ballots/");
    });

    it("lets nobody frame the printable proof", async () => {
      const { status, headers, html } = await page(stack, "/proof/print?lang=fr");
      expect(status).to.equal(200);
      expect(csp(headers).get("frame-ancestors")).to.equal("'none'");
      expect(csp(headers).get("script-src")).to.equal(`'self' ${importMapHash(html)}`);
    });
  });

  describe("origin policy of the hosted widget", () => {
    const apiOrigin = () => new URL(stack.apiUrl).origin;

    it("opens the login popup for the vote host's own origin", async () => {
      const res = await fetch(`${stack.apiUrl}/v1/login?origin=${encodeURIComponent(apiOrigin())}`, { redirect: "manual" });
      expect(res.status).to.equal(303);
    });

    it("lets the vote host's origin ask for a token of any ballot (the session is then checked)", async () => {
      const { status, body } = await call(stack, "POST", `/v1/ballots/${ballotId}/tokens`, { headers: { origin: apiOrigin() }, body: { blindedMessage: "0x00" } });
      expect(status).to.equal(401);
      expect(body.error.code).to.equal("ERR_UNAUTHENTICATED");
    });

    it("still refuses a site that no app lists", async () => {
      const { status, body } = await call(stack, "POST", `/v1/ballots/${ballotId}/tokens`, { headers: { origin: STRANGER }, body: { blindedMessage: "0x00" } });
      expect(status).to.equal(403);
      expect(body.error.code).to.equal("ERR_ORIGIN_NOT_ALLOWED");
    });
  });
});
