// POST /v1/votes is limited per client address: past the bucket, a coded 429 with
// Retry-After, before the body is read or checked; another address is not affected, and
// receipts (GET) are not limited.
import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import express from "express";
import { errorHandler, notFound } from "../../../server/http/http-errors.js";
import { DEFAULT_VOTES_PER_ADDRESS, relayRouter } from "../../../server/relay/routes.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";

describe("relay: POST /v1/votes rate limit per client address", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let rf: RelayFixture;
  let server: Server;
  let url: string;
  before(async () => {
    chain = await testBackends()[0].start();
    rf = await relayFixture(chain);
    const app = express();
    // Two votes per address, then one per minute: the third POST from one address is refused.
    app.use(relayRouter(rf.relay, { votesPerAddress: { capacity: 2, refillMs: 60_000 } }), notFound, errorHandler(() => {}));
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server?.close(r));
    await rf?.close();
    await chain?.stop();
  });

  it("answers 429 ERR_RATE_LIMITED with Retry-After past the bucket, and keeps receipts readable", async () => {
    const ballot = await rf.fx.createBallot();
    const votes = await Promise.all([0, 1, 2].map((c) => rf.fx.signedVote(ballot, `0x0${c}`)));
    const post = (body: unknown) => fetch(`${url}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const first = await post(voteBody(votes[0]));
    const second = await post(voteBody(votes[1]));
    expect([first.status, second.status]).to.deep.equal([202, 202]);
    const third = await post(voteBody(votes[2]));
    expect(third.status).to.equal(429);
    expect((await third.json()).error.code).to.equal("ERR_RATE_LIMITED");
    expect(Number(third.headers.get("retry-after"))).to.be.within(1, 60);
    // Refused at the door: nothing of it was journaled.
    expect(await rf.relay.journal.receiptIdOf(votes[2])).to.equal(undefined);
    // Even a malformed body counts and is refused the same way (the limit comes first).
    expect((await fetch(`${url}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" })).status).to.equal(429);
    const { receiptId } = (await first.json()) as { receiptId: string };
    expect((await fetch(`${url}/v1/receipts/${receiptId}`)).status).to.equal(200);
  });

  it("keeps one bucket per address: another address still votes", async () => {
    const ballot = await rf.fx.createBallot();
    const body = JSON.stringify(voteBody(await rf.fx.signedVote(ballot, "0x01")));
    // 127.0.0.1 has spent its bucket above; 127.0.0.2 (loopback too, on Linux) has not.
    const status = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(url);
      const req = http.request({
        host: "127.0.0.1", port, path: "/v1/votes", method: "POST", localAddress: "127.0.0.2",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      }, (res) => res.resume().on("end", () => resolve(res.statusCode!)));
      req.on("error", reject).end(body);
    });
    expect(status).to.equal(202);
  });

  it("is generous by default: hundreds of ballots at once from one address (a room behind one NAT)", () => {
    expect(DEFAULT_VOTES_PER_ADDRESS.capacity).to.be.at.least(100);
    expect(1000 / DEFAULT_VOTES_PER_ADDRESS.refillMs, "per second sustained").to.be.at.least(5);
  });
});
