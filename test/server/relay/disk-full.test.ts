// The relay on a full disk (issue 13: "votes got 500 while /health said ok; after space
// came back, ballots answered 202 were gone at the next restart"). `urne relay` runs under
// a file-size limit (`ulimit -f`): once its journal cannot be written it answers 503
// ERR_STORE_UNAVAILABLE, never 202, and /health names the journal; started again with
// room, every ballot it acknowledged is there and lands on chain.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { ballotBoxFixture, type BallotBoxFixture, type TestBallot } from "../../helpers/ballot-box-fixture.js";
import { startUrneService, type UrneService } from "../../helpers/urne-service.js";
import { voteBody } from "./relay-fixture.js";

const embedded = testBackends().find((b) => b.name === "embedded");

(embedded ? describe : describe.skip)("relay on a full disk (urne relay under a file-size limit)", function () {
  this.timeout(240_000);
  let chain: TestChain, fx: BallotBoxFixture, ballot: TestBallot, dataDir: string;
  let relay: UrneService | undefined;
  const start = (fileSizeBlocks?: number) =>
    startUrneService("relay", ["--data", dataDir, "--port", "0", "--rpc", chain.rpcUrl, "--ballot-box", fx.deployment.address], {
      env: { URNE_RELAYER_KEY: fx.relayer.privateKey }, ...(fileSizeBlocks === undefined ? {} : { fileSizeBlocks }),
    });

  before(async () => {
    chain = await embedded!.start();
    fx = await ballotBoxFixture(chain);
    ballot = await fx.createBallot();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-relay-full-"));
  });
  after(async () => {
    await relay?.stop("SIGKILL");
    fx.destroy();
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 ERR_STORE_UNAVAILABLE instead of 202 once its journal cannot be written, and loses no acknowledged ballot", async () => {
    relay = await start(128);
    const url = String(relay.ready.url);
    const acknowledged = new Map<string, unknown>(); // receipt id → the ballot's body
    let refused: { status: number; body: any; retryAfter: string | null } | undefined;
    const unrecorded: unknown[] = [];
    for (let i = 0; i < 1000 && !refused; i++) {
      const body = voteBody(await fx.signedVote(ballot, "0x01"));
      const res = await fetch(`${url}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const answer = (await res.json()) as any;
      if (res.status === 202) acknowledged.set(answer.receiptId, body);
      else if (res.status === 503) {
        refused = { status: res.status, body: answer, retryAfter: res.headers.get("retry-after") };
        unrecorded.push(body);
      } else throw new Error(`ballot ${i}: ${res.status} ${JSON.stringify(answer)}`);
    }
    expect(acknowledged.size, "some ballots fit").to.be.greaterThan(5);
    expect(refused?.body.error.code).to.equal("ERR_STORE_UNAVAILABLE");
    expect(refused?.body.error.message).to.contain("relay journal cannot be written (File too large)");
    expect(refused?.body.error.message, "no path leaves the process").to.not.contain(dataDir);

    // Every new ballot is refused from now on, however small; an acknowledged one posted again gets its receipt.
    const next = await fetch(`${url}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(voteBody(await fx.signedVote(ballot, "0x00"))) });
    expect(next.status).to.equal(503);
    const [firstId, firstBody] = [...acknowledged][0];
    const again = await fetch(`${url}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(firstBody) });
    expect([again.status, await again.json()]).to.deep.equal([202, { receiptId: firstId }]);

    const health = await fetch(`${url}/health`);
    expect(health.status).to.equal(503);
    expect(await health.json()).to.deep.include({ status: "degraded", journal: { ok: false, error: "File too large" } });
    expect(relay.events.map((e) => e.event)).to.include("store.write_failed");

    // Room again: the relay restarted on the same journal has every acknowledged ballot, and lands them.
    await relay.stop("SIGKILL");
    relay = await start();
    const again2 = String(relay.ready.url);
    expect(relay.events.map((e) => e.event)).to.include("store.cut_write_dropped");
    for (const id of acknowledged.keys()) {
      const res = await fetch(`${again2}/v1/receipts/${id}`);
      expect(res.status, `receipt ${id}`).to.equal(200);
    }
    // What the full disk refused can be sent again, and is taken now.
    const retried = await fetch(`${again2}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(unrecorded[0]) });
    expect(retried.status).to.equal(202);
    const deadline = Date.now() + 120_000;
    for (const id of acknowledged.keys()) {
      for (;;) {
        const r = (await (await fetch(`${again2}/v1/receipts/${id}`)).json()) as { status: string };
        if (r.status === "final") break;
        expect(r.status, `receipt ${id}`).to.not.equal("rejected");
        if (Date.now() > deadline) throw new Error(`receipt ${id} is still ${r.status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
});
