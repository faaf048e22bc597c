// The vote host on a full disk (issue 13: "API store disk full: 500 while /health said
// ok"). `urne api` runs under a file-size limit (`ulimit -f`): once its store cannot be
// written, what needs a write answers 503 ERR_STORE_UNAVAILABLE and /health names the
// store; started again with room, every ballot it answered 201 for is there.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppRegistry } from "../../../server/apps/app-registry.js";
import { startChain, type Chain } from "../../../server/chain/node.js";
import { ApiStore } from "../../../server/store/api-store.js";
import { startUrneService, type UrneService } from "../../helpers/urne-service.js";

describe("vote host on a full disk (urne api under a file-size limit)", function () {
  this.timeout(240_000);
  let dataDir: string, chain: Chain, apiKey: string;
  let api: UrneService | undefined;
  const start = (fileSizeBlocks?: number) =>
    startUrneService("api", [
      "--data", dataDir, "--port", "0", "--rpc", chain.rpcUrl, "--ballot-box", chain.deployment!.ballotBox, "--relay-url", "http://127.0.0.1:9", "--block-interval-ms", "20",
    ], fileSizeBlocks === undefined ? {} : { fileSizeBlocks });
  const createBallot = (url: string) => fetch(`${url}/v1/ballots`, {
    method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ sealing: "public", question: "Tenir bon ?", closesAt: new Date(Date.now() + 3_600_000).toISOString(), liveResults: true }),
  });

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-api-full-"));
    chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    const store = await ApiStore.open(dataDir);
    apiKey = (await new AppRegistry(store).create({ name: "MaVoix", origins: ["https://mavoix.example"] })).apiKey;
    await store.close();
  });
  after(async () => {
    await api?.stop("SIGKILL");
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 ERR_STORE_UNAVAILABLE once its store cannot be written, /health says why, and loses no ballot it answered 201 for", async () => {
    api = await start(64);
    const url = String(api.ready.url);
    const created: string[] = [];
    let refused: any;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await createBallot(url);
      const body = (await res.json()) as any;
      if (res.status === 201) created.push(body.ballot.id);
      else if (res.status === 503) refused = body;
      else throw new Error(`ballot ${i}: ${res.status} ${JSON.stringify(body)}`);
    }
    expect(created.length, "some ballots fit").to.be.greaterThan(0);
    expect(refused?.error.code).to.equal("ERR_STORE_UNAVAILABLE");
    expect(refused?.error.message).to.contain("API store cannot be written (File too large)");
    expect((await createBallot(url)).status, "and every later write").to.equal(503);
    const health = await fetch(`${url}/health`);
    expect(health.status).to.equal(503);
    expect(await health.json()).to.deep.include({ status: "degraded", store: { ok: false, error: "File too large" } });

    await api.stop("SIGKILL");
    api = await start();
    const again = String(api.ready.url);
    for (const id of created) {
      const res = await fetch(`${again}/v1/ballots/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status, `ballot ${id}`).to.equal(200);
    }
    expect((await createBallot(again)).status, "with room, writes go on").to.equal(201);
    expect((await fetch(`${again}/health`)).status).to.equal(200);
  });
});
