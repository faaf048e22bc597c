// `npx tsx scripts/bench.ts api [--ballots N] [--voters N] [--workers N] [--interval-ms N] [--batch N] [--ahead] [--check-threads N]`
// The relay end to end on the embedded chain (its own process, as in production): simulated
// voters do the real client work (ephemeral key, token message, blind, the issuer's blind
// signature, finalize with its check, EIP-712 signature) in parallel, POST the ballot to
// the relay over HTTP, and the clock stops when the receipt is final (its block journaled).
//   BENCH relay_ballots_per_s      ballots final per second, first POST to last final
//   BENCH relay_latency_p50_ms     POST sent → receipt final, median
//   BENCH relay_latency_p95_ms     same, 95th percentile
// The voters (client work and their HTTP clients, one loopback address each) run in
// --workers worker threads (default 1), off the relay's event loop; the relay's CPU is the
// process's minus theirs. --ahead makes every ballot before the clock starts
// (BENCH relay_ahead_*): the run then times the service alone, as if the voters' browsers
// were elsewhere, which is what "2 cores / service CPU per ballot" predicts.
// plus `#` lines with where the time goes (CPU per ballot of each party, batch sizes).
// Then the assembled service (`urne start` as a child process), scripts/bench/lib/api-stack.ts:
//   BENCH tokens_issued_per_s, api_ballots_per_s, api_latency_p50_ms, api_latency_p95_ms
// [--parts relay,stack] [--tokens N] [--token-clients N] [--api-ballots N] [--api-voters N]
// [--poll-ms N] [--cpu-prof DIR] (V8 profiles of the service process and of the relay part's
// chain process, in DIR/chain; for the relay itself run this under `node --cpu-prof`)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import express from "express";
import { moduleWorker } from "../../protocol/module-runtime.node.js";
import { Wallet } from "ethers";
import { errorHandler } from "../../server/http/http-errors.js";
import { readChainServiceToken } from "../../server/chain/chain-service-token.js";
import { RELAY_DB_DIR } from "../../server/relay/relay-service.js";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";
import { BallotBoxView } from "../../server/relay/ballot-box-view.js";
import { RelayJournal } from "../../server/relay/journal.js";
import { relayProvider, relayRpcClient } from "../../server/relay/provider.js";
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
    ahead: { type: "boolean", default: false },
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
const VOTERS = Number(values.voters);
const AHEAD = values.ahead!;
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
  // --cpu-prof: the chain process writes its V8 profile there too (this process: run it under node --cpu-prof).
  const chainProf = values["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(values["cpu-prof"], "chain")] : [];
  const chainProcess = spawn(process.execPath, [...chainProf, "--import", "tsx", "scripts/urne.ts", "chain", "--data", dataDir, "--port", String(port), "--block-interval-ms", values["interval-ms"]!], {
    cwd: root, stdio: ["ignore", "pipe", "inherit"],
  });
  const chainExited = new Promise((resolve) => chainProcess.once("exit", resolve));
  process.on("exit", () => chainProcess.kill("SIGKILL")); // never leave the node behind, even on a crash
  let blocks = 0;
  const { rpcUrl, ballotBox } = await new Promise<{ rpcUrl: string; ballotBox: string }>((resolve, reject) => {
    chainProcess.stdout!.setEncoding("utf8").on("data", (d: string) => {
      for (const line of d.split("\n")) {
        if (line.includes('"chain.ready"')) resolve(JSON.parse(line));
        if (line.includes('"chain.block"')) blocks += 1;
      }
    });
    chainProcess.once("exit", (code) => reject(new Error(`chain exited with ${code}`)));
  });

  const keys = readOperatorKeys(dataDir)!;
  const wallet = (name: string) => new Wallet(keys.find((k) => k.name === name)!.privateKey);
  // The chain's own BallotBox, as in production (its calls run on the sealing EVM, docs/CHAIN.md §5.2).
  const fx = await ballotBoxFixture({ rpcUrl, wallets: [wallet("admin"), wallet("organizer"), wallet("relayer"), wallet("admin")] }, ballotBox);
  const ballot = await fx.createBallot();
  const issuer = ballot.issuer;

  // The relay is the operator's own service: its token spares it the door's per-client limits.
  const provider = await relayProvider(rpcUrl, { token: readChainServiceToken(dataDir) });
  const journal = await RelayJournal.open(path.join(dataDir, RELAY_DB_DIR));
  const settledAt = new Map<string, number>();
  let onSettledIds: (ids: string[]) => void = () => {};
  const batchSizes: number[] = [];
  const relay = new Relay(journal, new BallotBoxView(provider, fx.deployment.address, relayRpcClient(rpcUrl, { token: readChainServiceToken(dataDir) })), wallet("relayer"), {
    chainId: fx.chainId,
    ...(values["check-threads"] === undefined ? {} : { checkThreads: Number(values["check-threads"]) }),
    submitter: {
      batchSize: Number(values.batch),
      maxInFlight: 32,
      onSettled: (receipts) => {
        const now = performance.timeOrigin + performance.now(); // absolute, as the voter threads stamp their POSTs
        batchSizes.push(receipts.length);
        for (const r of receipts) settledAt.set(r.receiptId, now);
        onSettledIds(receipts.map((r) => r.receiptId));
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
  // Default POST limit per address: each voter has its own. An internal error is our bug: print it.
  app.use(relayRouter(relay), errorHandler((event, fields) => console.error(JSON.stringify({ event, ...fields }))));
  const server = await new Promise<import("node:http").Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const relayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Voters in worker threads (browsers in real life): client work and HTTP POSTs there,
  // each voter from its own loopback address; this thread runs the relay and nothing else.
  const workers = Array.from({ length: Number(values.workers) }, () => moduleWorker(new URL("./lib/voter-worker.ts", import.meta.url), {
    workerData: {
      chainId: fx.chainId.toString(), ballotBox: fx.deployment.address, ballotId: ballot.id.toString(),
      modulus: issuer.modulus, privateKeyPem: issuer.privateKey.export({ type: "pkcs8", format: "pem" }),
    },
  }));
  type Done = { kind: "done"; posts: { receiptId: string; postedAt: number }[]; clientMs: number; issuerMs: number; cpuMs: number };
  const share = (total: number, i: number) => Math.floor(total / workers.length) + (i < total % workers.length ? 1 : 0);
  const ready = workers.map((w) => new Promise<void>((resolve) => w.on("message", (m: { kind: string }) => m.kind === "ready" && resolve())));
  const done = workers.map((w) => new Promise<Done>((resolve) => w.on("message", (m: Done) => m.kind === "done" && resolve(m))));
  for (const w of workers) {
    w.on("error", (e) => {
      console.error(e);
      process.exit(1);
    }).on("message", (m: { kind: string; error?: string }) => {
      if (m.kind !== "error") return;
      console.error(`voter thread: ${m.error}`);
      process.exit(1);
    });
  }
  onSettledIds = (ids) => {
    for (const w of workers) w.postMessage({ kind: "settled", ids });
  };
  let firstAddress = 0;
  workers.forEach((w, i) => {
    w.postMessage({ kind: "run", count: share(BALLOTS, i), voters: share(VOTERS, i), firstAddress, relayUrl, ahead: AHEAD });
    firstAddress += share(VOTERS, i);
  });
  if (AHEAD) await Promise.all(ready);

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // Probe: how long the chain takes to answer a trivial call, seen from this process (its
  // own event loop delay is reported next to it).
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
  if (AHEAD) for (const w of workers) w.postMessage({ kind: "go" });
  const results = await Promise.all(done);
  const seconds = (performance.now() - start) / 1000;
  probing = false;
  await probe;
  loopDelay.disable();
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const mainCpu = cpuSeconds(process.pid, process.pid) - mainCpu0;
  const chainCpu = cpuSeconds(chainProcess.pid!) - chainCpu0;

  const latencies = results.flatMap((r) => r.posts.map((p) => settledAt.get(p.receiptId)! - p.postedAt)).sort((a, b) => a - b);
  const clientMs = results.reduce((n, r) => n + r.clientMs, 0);
  const issuerMs = results.reduce((n, r) => n + r.issuerMs, 0);
  const votersCpuMs = results.reduce((n, r) => n + r.cpuMs, 0);
  const relayCpuMs = (cpu.user + cpu.system) / 1000 - votersCpuMs;
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const prefix = AHEAD ? "relay_ahead" : "relay";
  bench(`${prefix}_ballots_per_s`, BALLOTS / seconds, "ballots/s");
  bench(`${prefix}_latency_p50_ms`, pct(50), "ms");
  bench(`${prefix}_latency_p95_ms`, pct(95), "ms");
  const per = (ms: number) => `${(ms / BALLOTS).toFixed(2)} ms/ballot`;
  note(`${BALLOTS} ballots, ${VOTERS} voters in parallel, block interval ${values["interval-ms"]} ms, ${os.cpus().length} cores, ${seconds.toFixed(1)} s, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  if (AHEAD) note("  --ahead: the voters' ballots were made before the clock started; the run times the service alone (HTTP clients aside)");
  note(`service CPU (relay: bench process minus voter threads; + chain process): ${per(relayCpuMs + chainCpu * 1000)} → the service alone on ${os.cpus().length} cores could sustain ~${Math.round((os.cpus().length * 1000) / ((relayCpuMs + chainCpu * 1000) / BALLOTS))} ballots/s`);
  note(`  relay ${per(relayCpuMs)} (main thread ${per(mainCpu * 1000)}, event loop utilization ${(elu.utilization * 100).toFixed(0)}%; the rest: check thread, libuv pool (LevelDB, fsync) and V8's GC helpers, shared with the voter threads: use --ahead for the service alone); chain process ${per(chainCpu * 1000)}`);
  note(`voter threads CPU during the run (${workers.length} thread(s): ${AHEAD ? "HTTP clients only" : "client work, issuer blind signature, HTTP clients"}): ${per(votersCpuMs)}`);
  note(`  voter client work (key, blind, finalize, sign): ${per(clientMs)}; issuer blind signature: ${per(issuerMs)}${AHEAD ? " (before the clock)" : ""}`);
  note(`  relay accept (check + voteOf + journal fsync), wall time per ballot, mean: ${(acceptMs / BALLOTS).toFixed(1)} ms`);
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
