// `npx tsx scripts/bench.ts api [--ballots N] [--voters N] [--workers N] [--interval-ms N] [--batch N]`
// The relay end to end on the embedded chain (its own process, as in production): simulated
// voters do the real client work (ephemeral key, token message, blind, the issuer's blind
// signature, finalize with its check, EIP-712 signature) in parallel, POST the ballot to
// the relay over HTTP, and the clock stops when the receipt is final (its block journaled).
//   BENCH relay_ballots_per_s      ballots final per second, first POST to last final
//   BENCH relay_latency_p50_ms     POST sent → receipt final, median
//   BENCH relay_latency_p95_ms     same, 95th percentile
// The client work runs in --workers worker threads (default 1), off the relay's event loop.
// plus `#` lines with where the time goes (CPU per ballot of each party, batch sizes).
// Then the assembled service (`urne start` as a child process), scripts/bench/lib/api-stack.ts:
//   BENCH tokens_issued_per_s, api_ballots_per_s, api_latency_p50_ms, api_latency_p95_ms
// [--parts relay,stack] [--tokens N] [--token-clients N] [--api-ballots N] [--api-voters N]
// [--poll-ms N] [--cpu-prof DIR] (V8 profiles of the relay bench and of the service process)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import express from "express";
import { Worker } from "node:worker_threads";
import { Wallet } from "ethers";
import { errorHandler } from "../../server/api/http-errors.js";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";
import { BallotBoxView } from "../../server/relay/ballot-box-view.js";
import { RelayJournal } from "../../server/relay/journal.js";
import { relayProvider } from "../../server/relay/provider.js";
import { Relay } from "../../server/relay/relay.js";
import { relayRouter } from "../../server/relay/routes.js";
import { ballotBoxFixture } from "../../test/helpers/ballot-box-fixture.js";
import { freePort } from "../../test/helpers/free-port.js";
import { benchStack } from "./lib/api-stack.js";

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    ballots: { type: "string", default: "3000" },
    voters: { type: "string", default: "200" },
    "interval-ms": { type: "string", default: "200" },
    batch: { type: "string", default: "50" },
    workers: { type: "string", default: "1" },
    parts: { type: "string", default: "relay,stack" },
    tokens: { type: "string", default: "4000" },
    "token-clients": { type: "string", default: "64" },
    "api-ballots": { type: "string", default: "3000" },
    "api-voters": { type: "string", default: "200" },
    "poll-ms": { type: "string", default: "100" },
    "cpu-prof": { type: "string" },
    "check-threads": { type: "string" },
  },
});
const BALLOTS = Number(values.ballots);
const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${+value.toFixed(1)} ${unit}`);
const note = (text: string) => console.log(`# ${text}`);
const root = path.resolve(import.meta.dirname, "../..");

/** CPU seconds (user + system) a process (or one of its threads) has used, from /proc (Linux). */
function cpuSeconds(pid: number, thread?: number): number {
  const fields = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

async function benchRelay() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-bench-api-"));
  const port = await freePort();
  const chainProcess = spawn(process.execPath, ["--import", "tsx", "scripts/urne.ts", "chain", "--data", dataDir, "--port", String(port), "--block-interval-ms", values["interval-ms"]!], {
    cwd: root, stdio: ["ignore", "pipe", "inherit"],
  });
  const chainExited = new Promise((resolve) => chainProcess.once("exit", resolve));
  process.on("exit", () => chainProcess.kill("SIGKILL")); // never leave the node behind, even on a crash
  let blocks = 0;
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    chainProcess.stdout!.setEncoding("utf8").on("data", (d: string) => {
      for (const line of d.split("\n")) {
        if (line.includes('"chain.ready"')) resolve(JSON.parse(line).rpcUrl);
        if (line.includes('"chain.block"')) blocks += 1;
      }
    });
    chainProcess.once("exit", (code) => reject(new Error(`chain exited with ${code}`)));
  });

  const keys = readOperatorKeys(dataDir)!;
  const wallet = (name: string) => new Wallet(keys.find((k) => k.name === name)!.privateKey);
  const fx = await ballotBoxFixture({ rpcUrl, wallets: [wallet("admin"), wallet("organizer"), wallet("relayer"), wallet("admin")] });
  const ballot = await fx.createBallot();
  const issuer = ballot.issuer;

  const provider = await relayProvider(rpcUrl);
  const journal = await RelayJournal.open(path.join(dataDir, "api"));
  const settledAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const batchSizes: number[] = [];
  const relay = new Relay(journal, new BallotBoxView(provider, fx.deployment.address), wallet("relayer"), {
    chainId: fx.chainId,
    ...(values["check-threads"] === undefined ? {} : { checkThreads: Number(values["check-threads"]) }),
    submitter: {
      batchSize: Number(values.batch),
      maxInFlight: 32,
      onSettled: (receipts) => {
        const now = performance.now();
        batchSizes.push(receipts.length);
        for (const r of receipts) {
          settledAt.set(r.receiptId, now);
          waiters.get(r.receiptId)?.();
        }
      },
    },
  });
  await relay.start();
  let acceptMs = 0;
  const accept = relay.accept.bind(relay);
  relay.accept = async (body) => {
    const t = performance.now();
    try {
      return await accept(body);
    } finally {
      acceptMs += performance.now() - t;
    }
  };
  const app = express();
  app.use(relayRouter(relay), errorHandler(() => {}));
  const server = await new Promise<import("node:http").Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const relayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Voters' client work in worker threads (browsers in real life), one ballot per request.
  type Made = { body: Record<string, unknown>; clientMs: number; issuerMs: number };
  // The worker loads its TypeScript through tsx's loader, registered in that thread.
  const bootstrap = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(new URL("./lib/voter-worker.ts", import.meta.url).href)});`;
  const workers = Array.from({ length: Number(values.workers) }, () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData: {
      chainId: fx.chainId.toString(), ballotBox: fx.deployment.address, ballotId: ballot.id.toString(),
      modulus: issuer.modulus, privateKeyPem: issuer.privateKey.export({ type: "pkcs8", format: "pem" }),
    },
  }));
  const pendingMade: ((m: Made) => void)[][] = workers.map(() => []);
  workers.forEach((w, i) => w.on("message", (m: Made) => pendingMade[i].shift()!(m)).on("error", (e) => {
    console.error(e);
    process.exit(1);
  }));
  let turn = 0;
  const makeBallot = (choice: number) => new Promise<Made>((resolve) => {
    const i = turn++ % workers.length;
    pendingMade[i].push(resolve);
    workers[i].postMessage(choice);
  });

  const latencies: number[] = [];
  let clientMs = 0;
  let issuerMs = 0;
  let next = 0;
  async function voter() {
    while (next < BALLOTS) {
      next += 1;
      const made = await makeBallot(next % 3);
      clientMs += made.clientMs;
      issuerMs += made.issuerMs;
      const t = performance.now();
      const res = await fetch(`${relayUrl}/v1/votes`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(made.body),
      });
      const body = (await res.json()) as { receiptId: string };
      if (res.status !== 202) throw new Error(`relay answered ${res.status}: ${JSON.stringify(body)}`);
      if (!settledAt.has(body.receiptId)) await new Promise<void>((resolve) => waiters.set(body.receiptId, resolve));
      waiters.delete(body.receiptId);
      latencies.push(settledAt.get(body.receiptId)! - t);
    }
  }

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // Probe: how long the chain takes to answer a trivial call, seen from a separate process (curl-like fetch in a child would be
  // cleaner; here the bench's own event loop delay is reported next to it).
  const rpcTimes: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = performance.now();
      await provider.getBlockNumber();
      rpcTimes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const mainCpu0 = cpuSeconds(process.pid, process.pid);
  const chainCpu0 = cpuSeconds(chainProcess.pid!);
  const blocks0 = blocks;
  const start = performance.now();
  await Promise.all(Array.from({ length: Number(values.voters) }, voter));
  const seconds = (performance.now() - start) / 1000;
  probing = false;
  await probe;
  loopDelay.disable();
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const mainCpu = cpuSeconds(process.pid, process.pid) - mainCpu0;
  const chainCpu = cpuSeconds(chainProcess.pid!) - chainCpu0;

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  bench("relay_ballots_per_s", BALLOTS / seconds, "ballots/s");
  bench("relay_latency_p50_ms", pct(50), "ms");
  bench("relay_latency_p95_ms", pct(95), "ms");
  const per = (ms: number) => `${(ms / BALLOTS).toFixed(2)} ms/ballot`;
  note(`${BALLOTS} ballots, ${values.voters} voters in parallel, block interval ${values["interval-ms"]} ms, ${os.cpus().length} cores, ${seconds.toFixed(1)} s`);
  note(`bench process CPU (voters + issuer + relay): ${per((cpu.user + cpu.system) / 1000)}; chain process CPU: ${per(chainCpu * 1000)}`);
  note(`  relay main thread (bench-side HTTP clients included): CPU ${per(mainCpu * 1000)}, event loop utilization ${(elu.utilization * 100).toFixed(0)}%`);
  note(`  voter client work (key, blind, finalize, sign), in ${values.workers} worker thread(s): ${per(clientMs)}`);
  note(`  issuer blind signature: ${per(issuerMs)}`);
  note(`  relay accept (check + voteOf + journal fsync), wall: ${per(acceptMs)}`);
  rpcTimes.sort((a, b) => a - b);
  note(`bench event loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms; eth_blockNumber round trip p50 ${rpcTimes[rpcTimes.length >> 1]?.toFixed(1)} ms`);
  note(`submitter wall ms in total: ${JSON.stringify(Object.fromEntries(Object.entries(relay.submitter.stats.ms).map(([k, v]) => [k, Math.round(v)])))}`);
  note(`transactions: ${relay.submitter.stats.transactions}, resent ${relay.submitter.stats.resent}; mean batch ${(BALLOTS / relay.submitter.stats.transactions).toFixed(1)}; blocks during the run ${blocks - blocks0}`);

  await Promise.all(workers.map((w) => w.terminate()));
  server.close();
  await relay.stop();
  await journal.close();
  provider.destroy();
  fx.destroy();
  chainProcess.kill("SIGTERM");
  await chainExited;
  await rm(dataDir, { recursive: true, force: true });
}

const parts = values.parts!.split(",");
if (parts.includes("relay")) await benchRelay();
if (parts.includes("stack")) {
  await benchStack({
    tokens: Number(values.tokens), tokenClients: Number(values["token-clients"]), ballots: Number(values["api-ballots"]),
    voters: Number(values["api-voters"]), intervalMs: Number(values["interval-ms"]), pollMs: Number(values["poll-ms"]),
    ...(values["cpu-prof"] ? { cpuProfDir: path.resolve(values["cpu-prof"]) } : {}), bench, note,
  });
}
