// The public endpoints share one budget of chain reads per client network
// (server/http/public-reads.ts): the ballots list costs one read per ballot it lists, the
// other public reads one each. A client that loops on them gets 429 ERR_RATE_LIMITED with
// Retry-After from every public endpoint, while /health, the organizer API and other
// clients are served; its budget refills with time. The API is assembled here on the test
// stack's own services with a budget whose clock the test moves (1 read a second, 6 at
// once), so that no refill happens behind the test's back; the stack's own setting is
// checked too.
import { expect } from "chai";
import express from "express";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApiApp } from "../../../server/api/app.js";
import { errorHandler } from "../../../server/http/http-errors.js";
import { PublicReads } from "../../../server/http/public-reads.js";
import { loadClientBundle } from "../../../server/web/client-assets.js";
import { webRouter } from "../../../server/web/index.js";
import { call, inSeconds, startTestStack, type TestStack } from "./stack-fixture.js";

/** Serves `app` on loopback; its base URL and a stop. */
async function serve(app: express.Express): Promise<{ url: string; close(): void }> {
  const server = http.createServer(app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe("server/api public reads: one budget per client for the public endpoints", function () {
  this.timeout(60_000);
  let stack: TestStack;
  let key: string;
  let ballotId: string;

  before(async () => {
    stack = await startTestStack({ URNE_PUBLIC_READS_PER_SECOND: "1" });
    ({ apiKey: key } = await stack.apps.create({ name: "MaVoix", origins: ["https://mavoix.example"] }));
    ballotId = (await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question: "Un banc ?", closesAt: inSeconds(3600), liveResults: true } })).body.ballot.id;
    for (const question of ["Une fontaine ?", "Un kiosque ?", "Un marché ?"]) {
      expect((await call(stack, "POST", "/v1/ballots", { key, body: { sealing: "public", question, closesAt: inSeconds(3600) } })).status).to.equal(201);
    }
  });
  after(() => stack?.destroy());

  it("charges the ballots list its page size, refuses every public read past the budget with 429, Retry-After, a code and CORS, and serves /health and the organizer API meanwhile", async () => {
    let now = 0;
    const reads = new PublicReads(1, () => now);
    const web = webRouter({ bundle: loadClientBundle(), widget: { apps: stack.apps, ballots: stack.ballots, chain: stack.ballotChain, rpcUrls: [stack.rpcUrl], relayUrl: stack.relayUrl, reads } });
    const app = createApiApp({
      apps: stack.apps, ballots: stack.ballots, ceremonies: {} as never, chain: stack.ballotChain, log: () => {}, routers: [web],
      wellKnown: { rpcUrls: [stack.rpcUrl], apiUrl: stack.apiUrl, relayUrl: stack.relayUrl }, trustProxy: false, storeHealth: () => ({ ok: true }), reads,
    });
    const api = await serve(app);
    try {
      // The list of the 4 ballots costs 4 of the 6 (what it lists, not the 50 it may): a second one is refused, and costs nothing.
      const listed = await call({ apiUrl: api.url }, "GET", "/v1/public-ballots?limit=50");
      expect([listed.status, listed.body.ballots.length]).to.deep.equal([200, 4]);
      const refused = await call({ apiUrl: api.url }, "GET", "/v1/public-ballots?limit=50");
      expect(refused.status).to.equal(429);
      expect(refused.body.error.code).to.equal("ERR_RATE_LIMITED");
      expect(Number(refused.headers.get("retry-after"))).to.equal(2); // 2 reads short, 1 a second
      expect((await call({ apiUrl: api.url }, "GET", `/v1/ballots/${ballotId}/results`)).status).to.equal(200);
      expect((await call({ apiUrl: api.url }, "GET", `/v1/widget/ballots/${ballotId}`)).status).to.equal(200);
      // The budget is spent: every public read of this client is refused, each with the same answer.
      for (const route of ["/v1/public-ballots?limit=1", `/v1/ballots/${ballotId}/results`, `/v1/ballots/${ballotId}/trackers`, `/v1/ballots/${ballotId}/decryption`, "/.well-known/urne.json", `/v1/widget/ballots/${ballotId}`]) {
        const answer = await call({ apiUrl: api.url }, "GET", route);
        expect(answer.status, route).to.equal(429);
        expect(answer.body.error.code, route).to.equal("ERR_RATE_LIMITED");
      }
      // A widget on a registered site can read why (the CORS header is set before the charge).
      const fromWidget = await call({ apiUrl: api.url }, "GET", `/v1/ballots/${ballotId}/results`, { headers: { origin: "https://mavoix.example" } });
      expect([fromWidget.status, fromWidget.headers.get("access-control-allow-origin")]).to.deep.equal([429, "https://mavoix.example"]);
      const allowed = await call({ apiUrl: api.url }, "GET", `/v1/widget/ballots/${ballotId}/allowed`, { headers: { origin: "https://mavoix.example" } });
      expect([allowed.status, allowed.headers.get("access-control-allow-origin")]).to.deep.equal([429, "https://mavoix.example"]);
      // What is not a public read is served.
      expect((await call({ apiUrl: api.url }, "GET", "/health")).status).to.equal(200);
      expect((await call({ apiUrl: api.url }, "GET", `/v1/ballots/${ballotId}`, { key })).status).to.equal(200);
      // A second refills one read.
      now += 1_000;
      expect((await call({ apiUrl: api.url }, "GET", `/v1/ballots/${ballotId}/results`)).status).to.equal(200);
      expect((await call({ apiUrl: api.url }, "GET", `/v1/ballots/${ballotId}/results`)).status).to.equal(429);
    } finally {
      api.close();
    }
  });

  it("keeps one budget per client network (an IPv4 address, an IPv6 /64), and takes no address from a request unless a proxy is trusted", async () => {
    let now = 0;
    const reads = new PublicReads(1, () => now);
    const app = express().set("trust proxy", 1).get("/read", reads.charge(5), (_req, res) => void res.json({ ok: true })).use(errorHandler(() => {}));
    const server = await serve(app);
    try {
      const from = (address: string) => fetch(`${server.url}/read`, { headers: { "x-forwarded-for": address } }).then((r) => r.status);
      expect(await from("203.0.113.7")).to.equal(200);
      expect(await from("203.0.113.7")).to.equal(429);
      expect(await from("198.51.100.1")).to.equal(200); // another client
      expect(await from("2001:db8::1")).to.equal(200);
      expect(await from("2001:db8::2")).to.equal(429); // the same /64: the same client
      now += 5_000;
      expect(await from("203.0.113.7")).to.equal(200);
    } finally {
      server.close();
    }
    // With no proxy trusted (the default), X-Forwarded-For is the client's own word: ignored.
    now = 0;
    const direct = new PublicReads(1, () => now);
    const untrusting = await serve(express().get("/read", direct.charge(5), (_req, res) => void res.json({ ok: true })).use(errorHandler(() => {})));
    try {
      const from = (address: string) => fetch(`${untrusting.url}/read`, { headers: { "x-forwarded-for": address } }).then((r) => r.status);
      expect(await from("203.0.113.7")).to.equal(200);
      expect(await from("198.51.100.1")).to.equal(429); // the same loopback client, whatever it claims
    } finally {
      untrusting.close();
    }
  });

  it("is the stack's setting: URNE_PUBLIC_READS_PER_SECOND=1 allows 6 reads at once", async () => {
    expect((await call(stack, "GET", "/v1/public-ballots")).status).to.equal(200);
    // 4 more would take 2 seconds to refill.
    const refused = await call(stack, "GET", "/v1/public-ballots");
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get("retry-after"))).to.be.within(1, 2);
  });
});
