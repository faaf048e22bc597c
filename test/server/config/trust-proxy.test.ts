// URNE_TRUST_PROXY decides which address the rate limits see: a wrong setting either
// merges every voter behind a proxy into one bucket or lets any client pick its address.
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Router } from "express";
import { createApiApp } from "../../../server/api/app.js";
import { PublicReads } from "../../../server/http/public-reads.js";
import { trustProxy } from "../../../server/config/stack-options.js";

/** The address express gives a request that claims X-Forwarded-For: 203.0.113.7. */
async function seenAddress(setting: false | number | string[]): Promise<string> {
  const echo = Router().get("/ip", (req, res) => void res.json({ ip: req.ip }));
  const app = createApiApp({ apps: {} as never, ballots: {} as never, ceremonies: {} as never, chain: {} as never, wellKnown: { rpcUrls: [], relayUrl: "http://relay.invalid", apiUrl: "" }, log: () => {}, routers: [echo], trustProxy: setting, storeHealth: () => ({ ok: true }), reads: new PublicReads() });
  const server = http.createServer(app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/ip`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    return ((await response.json()) as { ip: string }).ip;
  } finally {
    server.close();
  }
}

describe("URNE_TRUST_PROXY", () => {
  it("parses nothing as no proxy, a hop count, and a list of proxies", () => {
    expect(trustProxy(undefined)).to.equal(false);
    expect(trustProxy("0")).to.equal(false);
    expect(trustProxy("2")).to.equal(2);
    expect(trustProxy("loopback, 10.0.0.0/8,::1")).to.deep.equal(["loopback", "10.0.0.0/8", "::1"]);
  });

  it("refuses a malformed value instead of trusting anybody", () => {
    for (const bad of ["11", "true", "*", "proxy.example", "10.0.0.0/8,all"]) expect(() => trustProxy(bad), bad).to.throw(/URNE_TRUST_PROXY/);
  });

  it("ignores X-Forwarded-For by default and honours it from a trusted proxy only", async () => {
    expect(await seenAddress(false)).to.equal("127.0.0.1");
    expect(await seenAddress(["10.0.0.0/8"])).to.equal("127.0.0.1"); // the peer is not that proxy
    expect(await seenAddress(["loopback"])).to.equal("203.0.113.7");
    expect(await seenAddress(1)).to.equal("203.0.113.7");
  });
});
