// `urne start` runs the chain, the relay, the vote host and the development pages as
// separate processes: a fault in one never takes down the others, and the one that failed
// comes back by itself. Each request that once killed the whole service (issue "No single
// party to trust", point 1) is sent here to the assembled service.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { sleep, startUrne, stopUrne, type UrneProcess } from "./urne-process.js";

/** GET with the request target exactly as written (fetch would normalize "//..%2f"). */
function rawGet(origin: string, target: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    http.get({ hostname, port, path: target, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on("error", reject);
  });
}

const rpc = async (url: string, method: string, params: unknown[]) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), signal: AbortSignal.timeout(20_000) });
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
};

describe("e2e: one process's fault never takes down the others (`urne start`)", function () {
  this.timeout(180_000);
  let dir: string;
  let urne: UrneProcess | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-e2e-faults-"));
    urne = await startUrne(dir, 200, ["--demo-port", "0"]);
  });
  after(async () => {
    await stopUrne(urne);
    await rm(dir, { recursive: true, force: true });
  });

  /** The pid `urne start` gave for `service` (its `service.started` line), the latest one. */
  const pidOf = (service: string) => {
    const lines = urne!.output.join("").split("\n").filter((l) => l.includes('"service.started"') && l.includes(`"service":"${service}"`));
    return (JSON.parse(lines.at(-1)!) as { pid: number }).pid;
  };
  const healthy = async () => (await fetch(`${urne!.ready.api}/health`, { signal: AbortSignal.timeout(5_000) })).status;

  it("answers a malformed request target on the demo site with 400, and keeps serving", async () => {
    const demo = (urne!.ready as { demo?: string }).demo!;
    expect(await rawGet(demo, "//..%2f..%2f")).to.equal(400);
    expect(await rawGet(demo, "/")).to.equal(200);
    expect(await healthy()).to.equal(200);
  });

  it("answers an eth_call that once made the EVM panic with an error, and keeps serving", async () => {
    const answer = await rpc(urne!.ready.rpc, "eth_call", [{ to: urne!.ready.ballotBox, gasPrice: "0x" + (2n ** 112n).toString(16) }, "latest"]);
    expect(answer.error?.code).to.equal(-32602);
    expect((await rpc(urne!.ready.rpc, "eth_blockNumber", [])).result).to.be.a("string");
    expect(await healthy()).to.equal(200);
  });

  it("keeps the vote host and the relay answering while the chain process is killed, and restarts the chain", async () => {
    const before = pidOf("chain");
    const restarted = urne!.next("service.restarted");
    process.kill(before, "SIGKILL");
    // Meanwhile: the vote host and the relay answer (the chain's state as "degraded").
    await sleep(200);
    const wellKnown = await fetch(`${urne!.ready.api}/.well-known/urne.json`);
    expect(wellKnown.status).to.equal(200);
    expect((await fetch(`${urne!.ready.relay}/health`)).status).to.be.oneOf([200, 503]);
    await restarted;
    expect(pidOf("chain")).to.not.equal(before);
    for (let i = 0; i < 50 && (await healthy()) !== 200; i++) await sleep(100);
    expect(await healthy()).to.equal(200);
    expect((await rpc(urne!.ready.rpc, "eth_blockNumber", [])).result).to.be.a("string");
  });

  it("restarts a killed demo site and relay without touching the vote host", async () => {
    for (const service of ["demo", "relay"]) {
      const before = pidOf(service);
      const restarted = urne!.next("service.restarted");
      process.kill(before, "SIGKILL");
      expect(await healthy()).to.equal(200);
      await restarted;
      expect(pidOf(service)).to.not.equal(before);
    }
    expect((await fetch(`${urne!.ready.relay}/health`)).status).to.equal(200);
  });
});
