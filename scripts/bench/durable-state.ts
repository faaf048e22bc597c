// `npm run bench -- durable-state [--votes 10000,100000] [--js-crypto-votes 10000] [--keep DIR]`
// Issue 13 ("a million-vote ballot on one machine"): the ethereumjs engine with its state on
// disk (server/chain/engine/). (EDR's replay, what a start cost before, was measured beside
// it here until EDR was removed: docs/CHAIN.md §4.1-§4.2 keep the figures.)
// For each size: a chain of N votes (castVotes batches of 50, one ballot) sealed by the
// embedded chain (scripts/bench/lib/vote-chain.ts; kept and reused with --keep), then,
// each in a fresh process so that nothing is warm:
//   build     the engine's first start: the derived store built from the journal, every
//             block executed (native keccak and secp256k1 through customCrypto);
//   build-js  the same with ethereumjs' own JavaScript crypto, sizes up to --js-crypto-votes;
//   restart   the engine's next start: journal opened and checked, derived store checked
//             against it, state opened at the head; the time to ready and the peak RSS;
//   walk      after ready, the full check of the state (every node read and re-hashed).
// CPU is this process's user + system time. The 1,000,000-vote figures are extrapolated
// linearly from the largest size (how: printed with them).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DurableChain } from "../../server/chain/engine/durable-chain.js";
import { Journal } from "../../server/chain/journal.js";
import { buildVoteChain } from "./lib/vote-chain.js";
import { diskBytes, peakRssMb } from "./lib/chain-replay.js";

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    votes: { type: "string", default: "10000,100000" },
    "js-crypto-votes": { type: "string", default: "10000" },
    keep: { type: "string" },
    /** Internal: run one phase on DIR holding N votes, in this (fresh) process. */
    phase: { type: "string" },
    dir: { type: "string" },
  },
});
const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${+value.toFixed(3)} ${unit}`);
const cpuSeconds = (since: NodeJS.CpuUsage) => ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(since));


/** One phase, in a fresh process; prints its BENCH lines. */
async function phase(name: string, dataDir: string, votes: number) {
  const chainDir = path.join(dataDir, "chain");
  const stateDir = path.join(dataDir, "chain-state");
  if (name === "build" || name === "build-js") {
    await rm(stateDir, { recursive: true, force: true });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const journal = await Journal.open(chainDir);
    const chain = await DurableChain.open({ location: stateDir, journal, genesis: (await journal.genesis())!, engine: { javascriptCrypto: name === "build-js" } });
    const seconds = (performance.now() - started) / 1000;
    const cpuS = cpuSeconds(cpu);
    await chain.close();
    await journal.close();
    const tag = name === "build" ? "engine_build" : "engine_build_js_crypto";
    bench(`${tag}_s_${votes}_votes`, seconds, "s");
    bench(`${tag}_cpu_ms_per_vote_${votes}_votes`, (cpuS * 1000) / votes, "ms");
    bench(`${tag}_peak_rss_mb_${votes}_votes`, peakRssMb(), "MB");
    if (name === "build") bench(`engine_derived_disk_mb_${votes}_votes`, (await diskBytes(stateDir)) / 2 ** 20, "MB");
    return;
  }
  if (name === "restart") {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const journal = await Journal.open(chainDir);
    const journalOpened = (performance.now() - started) / 1000;
    const chain = await DurableChain.open({ location: stateDir, journal, genesis: (await journal.genesis())! });
    const ready = (performance.now() - started) / 1000;
    const cpuS = cpuSeconds(cpu);
    if (chain.report.executed !== 0 || chain.report.rebuilt !== undefined) throw new Error(`restart executed ${chain.report.executed} blocks (${chain.report.rebuilt ?? "no rebuild"})`);
    bench(`engine_restart_ready_s_${votes}_votes`, ready, "s");
    bench(`engine_restart_journal_check_s_${votes}_votes`, journalOpened, "s");
    bench(`engine_restart_derived_check_s_${votes}_votes`, ready - journalOpened, "s");
    bench(`engine_restart_cpu_s_${votes}_votes`, cpuS, "s");
    bench(`engine_restart_headers_checked_${votes}_votes`, chain.report.checkedHeaders, "blocks");
    bench(`engine_restart_peak_rss_mb_${votes}_votes`, peakRssMb(), "MB");
    const walkStarted = performance.now();
    const counts = await chain.checkState();
    bench(`engine_state_walk_s_${votes}_votes`, (performance.now() - walkStarted) / 1000, "s");
    bench(`engine_state_nodes_${votes}_votes`, counts.accountNodes + counts.storageNodes, "nodes");
    bench(`engine_state_slots_${votes}_votes`, counts.storageSlots, "slots");
    bench(`engine_state_bytes_mb_${votes}_votes`, counts.bytes / 2 ** 20, "MB");
    bench(`engine_restart_and_walk_peak_rss_mb_${votes}_votes`, peakRssMb(), "MB");
    // The store keeps the head's state and that of the blocks just before it
    // (state-history.ts): the nodes on disk the head's walk does not reach are theirs.
    let stored = 0;
    for await (const key of chain.derived.nodes.keys()) if (!(key.length === 33 && key[0] === 0x63)) stored++; // "c" + hash: code
    bench(`engine_state_history_nodes_${votes}_votes`, stored - (counts.accountNodes + counts.storageNodes), "nodes");
    bench(`engine_state_history_blocks_${votes}_votes`, chain.stateHistory, "blocks");
    await chain.close();
    await journal.close();
    bench(`journal_disk_mb_${votes}_votes`, (await diskBytes(chainDir)) / 2 ** 20, "MB");
    return;
  }
  throw new Error(`unknown phase ${name}`);
}

async function inChild(name: string, dataDir: string, votes: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ["--import", "tsx", process.argv[1], "durable-state", "--phase", name, "--dir", dataDir, "--votes", String(votes)], { stdio: ["ignore", "pipe", "inherit"] });
  const figures = new Map<string, number>();
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    process.stdout.write(chunk);
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`phase ${name} exited with ${code}`);
  for (const line of out.split("\n")) {
    const m = /^BENCH (\S+) (\S+) /.exec(line);
    if (m) figures.set(m[1], Number(m[2]));
  }
  return figures;
}

if (values.phase) {
  await phase(values.phase, values.dir!, Number(values.votes));
} else {
  const sizes = values.votes.split(",").map(Number);
  const jsUpTo = Number(values["js-crypto-votes"]);
  const all = new Map<string, number>();
  for (const votes of sizes) {
    const dataDir = values.keep ? path.join(values.keep, `votes-${votes}`) : await mkdtemp(path.join(os.tmpdir(), "urne-durable-state-"));
    try {
      if (!existsSync(path.join(dataDir, "chain"))) {
        const built = performance.now();
        await buildVoteChain(dataDir, { votes });
        console.log(`# built a chain with ${votes} votes in ${((performance.now() - built) / 1000).toFixed(1)} s`);
      }
      if (votes <= jsUpTo) for (const [k, v] of await inChild("build-js", dataDir, votes)) all.set(k, v);
      for (const p of ["build", "restart"]) for (const [k, v] of await inChild(p, dataDir, votes)) all.set(k, v);
    } finally {
      if (!values.keep) await rm(dataDir, { recursive: true, force: true });
    }
  }
  const n = sizes.at(-1)!;
  const scale = 1_000_000 / n;
  const get = (k: string) => all.get(`${k}_${n}_votes`) ?? Number.NaN;
  bench("engine_restart_ready_s_1000000_votes_extrapolated", get("engine_restart_ready_s") * scale, "s");
  bench("engine_derived_disk_mb_1000000_votes_extrapolated", get("engine_derived_disk_mb") * scale, "MB");
  bench("engine_state_walk_s_1000000_votes_extrapolated", get("engine_state_walk_s") * scale, "s");
  bench("engine_build_s_1000000_votes_extrapolated", get("engine_build_s") * scale, "s");
  const small = sizes.length > 1 ? sizes[0] : undefined;
  if (small !== undefined) {
    // Peak RSS: what it grew by between the two sizes, per vote, carried on to a million.
    const a = all.get(`engine_restart_peak_rss_mb_${small}_votes`)!;
    const b = get("engine_restart_peak_rss_mb");
    bench("engine_restart_peak_rss_mb_1000000_votes_extrapolated", b + ((b - a) / (n - small)) * (1_000_000 - n), "MB");
  }
  console.log(
    `# 1,000,000-vote figures: the ${n}-vote ones times ${scale} (restart: the journal check and the header pass read every journaled byte and block once,` +
      ` linear in votes; the state opens at its head in constant time), and the peak RSS carried on linearly from its growth between ${small ?? "-"} and ${n} votes`,
  );
}
