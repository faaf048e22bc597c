// The assembled service (`urne start` in its own process: chain, API, issuer, relay) under
// simulated voters; part of scripts/bench/api.ts.
//   BENCH tokens_issued_per_s   POST /v1/ballots/:id/tokens answered 200, per second, with
//                               `tokenClients` concurrent clients (requests blinded ahead)
//   BENCH api_ballots_per_s     voters' ballots final per second: token request, vote POST,
//                               receipt polled until final, real client work in a worker
//   BENCH api_latency_p50_ms    token request sent → receipt seen final, median
//   BENCH api_latency_p95_ms    same, 95th percentile
import { spawn, execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { moduleWorker } from "../../../protocol/module-runtime.node.js";
import { SECRETS_FILE } from "../../../server/config/secrets.js";
import { loopback } from "./loopback.js";

export type StackBenchOptions = {
  tokens: number; tokenClients: number; ballots: number; voters: number; intervalMs: number; pollMs: number;
  /** Directory for a V8 CPU profile of the service process (node --cpu-prof), if set. */
  cpuProfDir?: string;
  bench: (name: string, value: number, unit: string) => void;
  note: (text: string) => void;
};

const root = path.resolve(import.meta.dirname, "../../..");
const ORIGIN = "https://bench.example";

/** CPU seconds (user + system) of `pid` and, recursively, of its live child processes: `urne start` runs each service in its own (Linux /proc). */
function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0; // gone since it was listed
  }
  const fields = stat.split(") ")[1].split(" ");
  let total = (Number(fields[11]) + Number(fields[12])) / 100;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    children = [];
  }
  for (const child of children) total += cpuSeconds(Number(child));
  return total;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

export async function benchStack(o: StackBenchOptions): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-bench-stack-"));
  const urne = (args: string[]) => [...(o.cpuProfDir && args[0] === "start" ? ["--cpu-prof", "--cpu-prof-dir", o.cpuProfDir] : []), "--import", "tsx", "scripts/urne-dev.ts", ...args];
  // The organizer app, on the data directory before the service holds its store.
  const { stdout } = await promisify(execFile)(process.execPath, urne(["app", "create", "--data", dataDir, "--name", "Bench", "--origin", ORIGIN, "--json"]), { cwd: root });
  const { apiKey } = JSON.parse(stdout.trim().split("\n").pop()!) as { apiKey: string };

  const child = spawn(process.execPath, urne(["start", "--data", dataDir, "--port", "0", "--chain-port", "0", "--idp-port", "0", "--block-interval-ms", String(o.intervalMs)]), {
    cwd: root, stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = () => child.kill("SIGKILL");
  process.on("exit", kill);
  const events = new Map<string, number>();
  const { api: apiUrl, relay: relayUrl } = await new Promise<{ api: string; relay: string }>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      for (const line of d.split("\n")) {
        const m = /"event":"([a-z_.]+)"/.exec(line);
        if (m) events.set(m[1], (events.get(m[1]) ?? 0) + 1);
        if (line.includes('"urne.ready"')) resolve(JSON.parse(line));
      }
    });
    child.once("exit", (code) => reject(new Error(`urne start exited with ${code}`)));
  });
  const secrets = JSON.parse(readFileSync(path.join(dataDir, SECRETS_FILE), "utf8")) as { secrets: { sessionKey: string } };
  const rawKey = secrets.secrets.sessionKey;
  const sessionKey = (/^[0-9a-f]{64}$/i.test(rawKey) ? Buffer.from(rawKey, "hex") : Buffer.from(rawKey, "base64url")).toString("base64url");

  // A ballot of the app, through the API like an organizer's back end.
  const created = await fetch(`${apiUrl}/v1/ballots`, {
    method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ sealing: "public", question: "Benchmark ?", closesAt: new Date(Date.now() + 3600_000).toISOString() }),
  });
  const { ballot } = (await created.json()) as { ballot: { id: string; issuerKey: unknown; chain: { chainId: string | number; ballotBox: string } } };
  if (created.status !== 201) throw new Error(`POST /v1/ballots answered ${created.status}`);

  // Tokens and sessions are for the vote host's own widget frame only (its origin), never the
  // partner page that embeds it (ORIGIN): the issuer refuses any other origin with 403.
  const frameOrigin = new URL(apiUrl).origin;
  const worker = moduleWorker(new URL("./stack-voter-worker.ts", import.meta.url), {
    workerData: {
      apiUrl, relayUrl, origin: frameOrigin, ballotId: ballot.id, chainId: String(ballot.chain.chainId), ballotBox: ballot.chain.ballotBox,
      issuerJwk: ballot.issuerKey, sessionKey, pollMs: o.pollMs,
    },
  });
  const ask = <T>(m: unknown) => new Promise<T>((resolve, reject) => {
    worker.once("message", (r: T & { error?: string }) => (r.error ? reject(new Error(r.error)) : resolve(r)));
    worker.postMessage(m);
  });

  try {
    // 1. Token issuance alone: requests blinded ahead, then sent by concurrent clients.
    const { blinded } = await ask<{ blinded: { session: string; blindedMessage: string }[] }>({ kind: "blinded", count: o.tokens });
    const api = new URL(apiUrl);
    const post = (agent: http.Agent, r: { session: string; blindedMessage: string }) => new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ blindedMessage: r.blindedMessage });
      const req = http.request({
        host: api.hostname, port: api.port, path: `/v1/ballots/${ballot.id}/tokens`, method: "POST", agent,
        headers: { origin: frameOrigin, authorization: `Bearer ${r.session}`, "content-type": "application/json", "content-length": String(body.length) },
      }, (res) => res.resume().on("end", () => resolve(res.statusCode!)));
      req.on("error", reject);
      req.end(body);
    });
    const tokenTimes: number[] = [];
    let nextToken = 0;
    const cpu0 = cpuSeconds(child.pid!);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: o.tokenClients }, async (_, c) => {
      const agent = new http.Agent({ keepAlive: true, localAddress: loopback(c) } as http.AgentOptions);
      while (nextToken < blinded.length) {
        const r = blinded[nextToken++];
        const t = performance.now();
        const status = await post(agent, r);
        if (status !== 200) throw new Error(`tokens answered ${status}`);
        tokenTimes.push(performance.now() - t);
      }
      agent.destroy();
    }));
    const tokenSeconds = (performance.now() - t0) / 1000;
    const tokenCpu = cpuSeconds(child.pid!) - cpu0;
    o.bench("tokens_issued_per_s", o.tokens / tokenSeconds, "tokens/s");
    const tt = sorted(tokenTimes);
    o.note(`tokens: ${o.tokens} by ${o.tokenClients} clients in ${tokenSeconds.toFixed(1)} s; round trip p50 ${pct(tt, 50).toFixed(1)} ms, p95 ${pct(tt, 95).toFixed(1)} ms; service CPU ${(tokenCpu * 1000 / o.tokens).toFixed(2)} ms/token (blind signature ~1.6 ms of it, then JWT check, ledger fsync)`);

    // 2. Voters end to end through the assembled service.
    const cpu1 = cpuSeconds(child.pid!);
    const benchCpu = process.cpuUsage();
    const t1 = performance.now();
    const { results, clientMs } = await ask<{ results: { tokenMs: number; postMs: number; finalMs: number; totalMs: number }[]; clientMs: number }>({
      kind: "vote", count: o.ballots, voters: o.voters, firstAddress: o.tokenClients,
    });
    const seconds = (performance.now() - t1) / 1000;
    const serviceCpu = cpuSeconds(child.pid!) - cpu1;
    const bc = process.cpuUsage(benchCpu);
    o.bench("api_ballots_per_s", o.ballots / seconds, "ballots/s");
    const total = sorted(results.map((r) => r.totalMs));
    o.bench("api_latency_p50_ms", pct(total, 50), "ms");
    o.bench("api_latency_p95_ms", pct(total, 95), "ms");
    const p50 = (k: "tokenMs" | "postMs" | "finalMs") => pct(sorted(results.map((r) => r[k])), 50).toFixed(0);
    const per = (ms: number) => `${(ms / o.ballots).toFixed(2)} ms/ballot`;
    o.note(`api: ${o.ballots} ballots, ${o.voters} voters in parallel (one loopback address each), block interval ${o.intervalMs} ms, receipt polled every ${o.pollMs} ms, ${seconds.toFixed(1)} s`);
    o.note(`  p50 wall: token request ${p50("tokenMs")} ms, vote POST → 202 ${p50("postMs")} ms, 202 → receipt seen final ${p50("finalMs")} ms`);
    o.note(`  CPU: service processes (chain, API and issuer, relay, development identity provider, demo) ${per(serviceCpu * 1000)}; voters' client work (blind, finalize, sign) ${per(clientMs)}; bench process incl. worker ${per((bc.user + bc.system) / 1000)}`);
    o.note(`  service log events during the run: ${JSON.stringify(Object.fromEntries([...events].filter(([k]) => k.startsWith("relay."))))}`);
  } finally {
    await worker.terminate();
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    kill();
    process.off("exit", kill);
    await rm(dataDir, { recursive: true, force: true });
  }
}
