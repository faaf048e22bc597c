// `urne start` on a damaged data directory, and while its chain replays (issue 13): a
// damaged store refuses the whole start with a message naming the file and the block or
// record, and no process has rewritten anything by then; while the chain replays its
// journal, the vote host's and the relay's ports already answer, 503 with Retry-After,
// and each process takes its port over without a moment where nobody answers.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { scanLog } from "../../server/store/leveldb-files.js";
import { cutTail, fingerprint, flipByte, newestLog } from "../helpers/store-damage.js";
import { onJsonLines } from "../helpers/json-lines.js";
import { urneChildEnv } from "../helpers/urne-cli.js";
import { call, createApp, ROOT, startArgs, startUrne, stopUrne, type UrneProcess } from "./urne-process.js";

/** `urne start` on `dataDir` until it exits: its code and its output. */
function startUntilExit(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, startArgs(dataDir), { cwd: ROOT, env: urneChildEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout!.setEncoding("utf8").on("data", (d: string) => output.push(d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => output.push(d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  return new Promise((resolve) => child.once("exit", (code) => (clearTimeout(timer), resolve({ code, output: output.join("") }))));
}

describe("e2e: urne start on a damaged data directory, and while its chain replays", function () {
  this.timeout(300_000);
  let root: string, pristine: string, dataDir: string, ballotId: string;
  let urne: UrneProcess | undefined;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "urne-e2e-faults-"));
    pristine = path.join(root, "pristine");
    const { apiKey } = await createApp(pristine, "MaVoix", ["https://mavoix.example"]);
    const first = await startUrne(pristine);
    const created = await call(`${first.ready.api}/v1/ballots`, { key: apiKey, body: { sealing: "public", question: "Tenir bon ?", closesAt: new Date(Date.now() + 3_600_000).toISOString(), liveResults: true } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    ballotId = created.body.ballot.id;
    await stopUrne(first);
  });
  after(async () => {
    await stopUrne(urne);
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    dataDir = path.join(root, `copy-${Math.random().toString(36).slice(2)}`);
    await cp(pristine, dataDir, { recursive: true });
  });
  afterEach(async () => {
    await stopUrne(urne);
    urne = undefined;
  });

  it("refuses to start when the end of the chain journal's log is cut off, naming the log and the block; nothing changed", async () => {
    const log = await newestLog(path.join(dataDir, "chain"));
    const { records } = scanLog(await readFile(log));
    expect(records.length, "blocks were sealed in the last session").to.be.greaterThan(0);
    await cutTail(log, 10);
    const before = await fingerprint(dataDir);
    const { code, output } = await startUntilExit(dataDir);
    expect(code).to.not.equal(0);
    expect(output).to.contain(log).and.match(/it holds block \d+/);
    expect(output).to.not.contain("urne.ready");
    expect(await fingerprint(dataDir)).to.deep.equal(before);
  });

  it("refuses to start when the vote host's store is damaged, before the chain has opened its journal; nothing changed", async () => {
    const log = await newestLog(path.join(dataDir, "api"));
    await flipByte(log, -30);
    const before = await fingerprint(dataDir);
    const { code, output } = await startUntilExit(dataDir);
    expect(code).to.not.equal(0);
    expect(output).to.contain(log).and.contain("fails its checksum");
    expect(output, "the chain was not started").to.not.contain('"service":"chain"');
    expect(await fingerprint(dataDir)).to.deep.equal(before);
  });

  it("answers on the vote host's and the relay's ports while the chain replays (503, Retry-After), then serves on the same ports", async () => {
    const child = spawn(process.execPath, startArgs(dataDir), { cwd: ROOT, env: urneChildEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    const lines: Record<string, any>[] = [];
    let waiters: (() => void)[] = [];
    onJsonLines(child.stdout!, (parsed) => {
      lines.push(parsed);
      // The chain frozen as soon as it exists: whatever it is doing, it is not serving.
      if (parsed.event === "service.started" && parsed.service === "chain") process.kill(parsed.pid, "SIGSTOP");
      for (const w of waiters.splice(0)) w();
    });
    const next = async (event: string) => {
      for (;;) {
        const found = lines.find((l) => l.event === event);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`urne start exited before ${event}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    try {
      const listening = await next("urne.listening");
      const chainPid = (await next("service.started")).pid as number;
      const health = await fetch(`${listening.api}/health`);
      expect(health.status).to.equal(503);
      expect(await health.json()).to.deep.include({ status: "starting", waitingFor: "chain" });
      const vote = await fetch(`${listening.relay}/v1/votes`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect([vote.status, vote.headers.get("retry-after")]).to.deep.equal([503, "1"]);
      expect(((await vote.json()) as any).error.code).to.equal("ERR_STARTING");

      process.kill(chainPid, "SIGCONT");
      const ready = await next("urne.ready");
      expect([ready.api, ready.relay]).to.deep.equal([listening.api, listening.relay]);
      const served = await call(`${ready.api}/health`);
      expect(served.status).to.equal(200);
      expect((await call(`${ready.relay}/v1/receipts/${"0".repeat(32)}`)).body.error.code).to.equal("ERR_RECEIPT_NOT_FOUND");
      expect((await call(`${ready.relay}/v1/ballots/${ballotId}/relay`)).status).to.equal(200);
    } finally {
      waiters = [];
      if (child.exitCode === null) {
        process.kill(-child.pid!, "SIGCONT");
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
    }
  });
});
