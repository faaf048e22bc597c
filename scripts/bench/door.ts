// `npm run bench -- door [--seconds N] [--interval-ms N]`
// The chain's public door under attack (docs/CHAIN.md §5): `urne start` runs as in
// production (separate processes, 1 s blocks); a steady client keeps a transaction waiting
// so that a block is sealed every interval, and the block intervals and GET /health of the
// vote host are timed, first idle, then while one client sends worst-case requests in a
// loop (endless-loop calls with and without gas, whole-range log queries, a batch of 1,000
// of them, zero-fee transactions from unfunded senders, overflowing fees).
// Goals: block interval p99 within 10% of idle; /health p99 under 50 ms.
// The service's CPU is read from /proc for its process group only (the bench's own clients
// are not in it). One line per figure: BENCH <name> <value> <unit>.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Wallet } from "ethers";
import { readChainServiceToken } from "../../server/chain/chain-service-token.js";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";

const { values } = parseArgs({ args: process.argv.slice(3), options: { seconds: { type: "string", default: "30" }, "interval-ms": { type: "string", default: "1000" } } });
const SECONDS = Number(values.seconds);
const INTERVAL_MS = Number(values["interval-ms"]);
const bench = (name: string, value: number, unit: string) => console.log(`BENCH door.${name} ${+value.toFixed(2)} ${unit}`);
const note = (text: string) => console.log(`# ${text}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p99 = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]);
const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-bench-door-"));
const child = spawn(process.execPath, ["--import", "tsx", "scripts/urne-dev.ts", "start", "--data", dataDir, "--port", "0", "--relay-port", "0", "--chain-port", "0", "--idp-port", "0", "--block-interval-ms", String(INTERVAL_MS)], {
  cwd: root, stdio: ["ignore", "pipe", "inherit"], detached: true, env: { ...process.env, NODE_ENV: "test" },
});
const ready = await new Promise<{ api: string; rpc: string; chainId: string }>((resolve, reject) => {
  let buffer = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    buffer += d;
    const line = buffer.split("\n").find((l) => l.includes('"urne.ready"'));
    if (line) resolve(JSON.parse(line));
  });
  child.once("exit", (code) => reject(new Error(`urne start exited with ${code}`)));
});

/** CPU seconds (user + system) of every process in the service's group. */
function serviceCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== child.pid) continue; // pgrp
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

const token = readChainServiceToken(dataDir)!;
const post = async (body: unknown, auth = false) => {
  const res = await fetch(ready.rpc, { method: "POST", headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  return res.json() as Promise<any>;
};
const call = (method: string, params: unknown[], auth = false) => post({ jsonrpc: "2.0", id: 1, method, params }, auth);

// The steady client: one transfer waiting at all times, from an operator account the service itself never uses.
const admin = new Wallet(readOperatorKeys(dataDir)!.find((k) => k.name === "admin")!.privateKey);
const chainId = BigInt(ready.chainId);
let steady = true;
const steadyLoop = (async () => {
  let nonce = Number((await call("eth_getTransactionCount", [admin.address, "pending"], true)).result);
  while (steady) {
    const raw = await admin.signTransaction({ type: 2, chainId, nonce: nonce++, to: admin.address, value: 1n, gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
    await call("eth_sendRawTransaction", [raw], true);
    await sleep(INTERVAL_MS / 4);
  }
})();

/** Times block arrivals (polled every 10 ms) and GET /health (every 50 ms) for `seconds`. */
async function observe(seconds: number) {
  const intervals: number[] = [];
  const health: number[] = [];
  const until = Date.now() + seconds * 1000;
  let last = Number((await call("eth_blockNumber", [], true)).result);
  let lastAt = performance.now();
  const blocks = (async () => {
    while (Date.now() < until) {
      const n = Number((await call("eth_blockNumber", [], true)).result);
      if (n > last) {
        const now = performance.now();
        if (n === last + 1) intervals.push(now - lastAt);
        last = n;
        lastAt = now;
      }
      await sleep(10);
    }
  })();
  const probes = (async () => {
    while (Date.now() < until) {
      const t = performance.now();
      await fetch(`${ready.api}/health`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
      health.push(performance.now() - t);
      await sleep(50);
    }
  })();
  await Promise.all([blocks, probes]);
  return { intervals, health };
}

// The worst cases, signed before the measure so that the bench's own work stays out of it.
const ENDLESS = "0x5b600056";
const strangers = await Promise.all(Array.from({ length: 20 }, async () => {
  const w = Wallet.createRandom();
  return w.signTransaction({ type: 2, chainId, nonce: 0, to: admin.address, data: "0x" + "ab".repeat(100_000), gasLimit: 5_000_000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n });
}));
const q = (n: bigint | number) => "0x" + n.toString(16);
const attacks: [string, () => Promise<unknown>][] = [
  ["loop call, no gas field", () => call("eth_call", [{ data: ENDLESS }, "latest"])],
  ["loop call at the block gas limit", () => call("eth_call", [{ data: ENDLESS, gas: q(60_000_000) }, "latest"])],
  ["loop estimateGas", () => call("eth_estimateGas", [{ data: ENDLESS }])],
  ["logs up to 2^64-1", () => call("eth_getLogs", [{ fromBlock: "0x0", toBlock: "0xffffffffffffffff" }])],
  ["whole-range logs", () => call("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }])],
  ["batch of 1,000 whole-range logs", () => post(Array.from({ length: 1000 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "latest" }] })))],
  ["overflowing gas price", () => call("eth_call", [{ to: admin.address, gasPrice: q(2n ** 112n) }, "latest"])],
  ["zero-fee 100 kB transaction, unfunded sender", () => call("eth_sendRawTransaction", [strangers[Math.floor(Math.random() * strangers.length)]])],
];

let cpu = serviceCpuSeconds();
note(`idle for ${SECONDS} s (a block every ${INTERVAL_MS} ms when a transaction waits)`);
const idle = await observe(SECONDS);
const idleCpu = serviceCpuSeconds() - cpu;

note(`under attack for ${SECONDS} s: one client, ${attacks.length} worst cases in a loop`);
let attacking = true;
let sent = 0;
const answers = new Map<string, number>();
const attacker = (async () => {
  while (attacking) {
    for (const [name, send] of attacks) {
      if (!attacking) break;
      const answer = await send().catch((e: Error) => ({ error: { message: e.message } }));
      sent++;
      const kind = Array.isArray(answer) ? "batch" : (answer as any)?.error ? `error ${(answer as any).error.code ?? "network"}` : "result";
      answers.set(`${name}: ${kind}`, (answers.get(`${name}: ${kind}`) ?? 0) + 1);
    }
  }
})();
cpu = serviceCpuSeconds();
const attacked = await observe(SECONDS);
const attackCpu = serviceCpuSeconds() - cpu;
attacking = false;
steady = false;
await Promise.all([attacker, steadyLoop]);

for (const [what, count] of answers) note(`${count} × ${what}`);
bench("idle.block_interval_p99", p99(idle.intervals), "ms");
bench("idle.block_interval_median", median(idle.intervals), "ms");
bench("attack.block_interval_p99", p99(attacked.intervals), "ms");
bench("attack.block_interval_median", median(attacked.intervals), "ms");
bench("attack.block_interval_p99_vs_idle", (100 * (p99(attacked.intervals) - p99(idle.intervals))) / p99(idle.intervals), "%");
bench("idle.health_p99", p99(idle.health), "ms");
bench("attack.health_p99", p99(attacked.health), "ms");
bench("attack.requests", sent, "requests");
bench("idle.service_cpu", (1000 * idleCpu) / SECONDS, "ms/s");
bench("attack.service_cpu", (1000 * attackCpu) / SECONDS, "ms/s");

process.kill(-child.pid!, "SIGTERM");
await new Promise((r) => child.once("exit", r));
await rm(dataDir, { recursive: true, force: true });
