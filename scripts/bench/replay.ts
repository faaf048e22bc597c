// `npm run bench -- replay [--votes 10000,100000] [--keep DIR]`
// Start-up time of the embedded chain against the number of votes it holds (issue: "measure
// start-up replay time at 10k and 100k votes"). For each size: a fresh chain with BallotBox
// deployed, one single-choice ballot, N valid votes cast through `castVotes` batches of 50
// by the relayer, node stopped, then, in a fresh process, the engine's restart (the journal
// checked, the derived store checked against it and opened at its head: the same code path
// as node.ts) and, separately, its full build (the derived store deleted, every block
// executed and hash-checked: a first start, or a start after a lost store).
//
// The chain is built by scripts/bench/lib/vote-chain.ts, as for the engine benchmarks.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { diskBytes, timeReplay } from "./lib/chain-replay.js";
import { buildVoteChain } from "./lib/vote-chain.js";

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    votes: { type: "string", default: "10000,100000" },
    keep: { type: "string" },
    /** Also time the full build (derived store deleted) up to this many votes. */
    "rebuild-up-to": { type: "string", default: "10000" },
    /** Internal: time the replay of DIR holding N votes (run in a fresh process). */
    "replay-only": { type: "string" },
  },
});
const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${+value.toFixed(3)} ${unit}`);
const BATCH = 50;

/** Replays `dataDir` in a fresh process, as a restarted node does: no builder EVM in memory. */
async function replayInChild(dataDir: string, votes: number) {
  const child = spawn(process.execPath, ["--import", "tsx", process.argv[1], "replay", "--replay-only", dataDir, "--votes", String(votes), "--rebuild-up-to", values["rebuild-up-to"]], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`replay exited with ${code}`);
}

if (values["replay-only"]) {
  const votes = Number(values.votes);
  const chainDir = path.join(values["replay-only"], "chain");
  const journalMb = (await diskBytes(chainDir)) / 2 ** 20;
  const restart = await timeReplay(chainDir);
  if (restart.executed !== 0) throw new Error(`the restart executed ${restart.executed} blocks (${restart.rebuilt ?? "derived store behind the journal"}): not a restart`);
  bench(`chain_journal_open_s_${votes}_votes`, restart.openSeconds, "s");
  bench(`chain_journal_open_cpu_s_${votes}_votes`, restart.openCpuSeconds, "s");
  bench(`chain_restart_s_${votes}_votes`, restart.seconds, "s");
  bench(`chain_restart_cpu_s_${votes}_votes`, restart.cpuSeconds, "s");
  bench(`chain_restart_blocks_${votes}_votes`, restart.blocks, "blocks");
  bench(`chain_restart_transactions_${votes}_votes`, restart.transactions, "txs");
  bench(`chain_restart_peak_rss_mb_${votes}_votes`, restart.peakRssMb, "MB");
  bench(`chain_journal_disk_mb_${votes}_votes`, journalMb, "MB");
  bench(`chain_state_disk_mb_${votes}_votes`, (await diskBytes(path.join(values["replay-only"], "chain-state"))) / 2 ** 20, "MB");
  // A restart reads every journaled byte once (its checks) and every header beside it: linear
  // in the journal, constant in the state (docs/CHAIN.md §4.2).
  const scale = 1_000_000 / votes;
  bench("chain_restart_s_1000000_votes_extrapolated", restart.seconds * scale, "s");
  bench("chain_journal_disk_mb_1000000_votes_extrapolated", journalMb * scale, "MB");
  bench("chain_journal_open_s_1000000_votes_extrapolated", restart.openSeconds * scale, "s");
  console.log(`# 1,000,000-vote figures: the ${votes}-vote ones times ${scale} (linear in the journal: one batch of ${BATCH} votes per block)`);
  if (votes <= Number(values["rebuild-up-to"])) {
    const build = await timeReplay(chainDir, [], { rebuild: true });
    bench(`chain_rebuild_s_${votes}_votes`, build.seconds, "s");
    bench(`chain_rebuild_cpu_ms_per_vote_${votes}_votes`, (build.cpuSeconds * 1000) / votes, "ms");
    bench(`chain_rebuild_peak_rss_mb_${votes}_votes`, build.peakRssMb, "MB");
  }
} else {
  for (const votes of values.votes.split(",").map(Number)) {
    const dataDir = values.keep ? path.join(values.keep, `votes-${votes}`) : await mkdtemp(path.join(os.tmpdir(), "urne-replay-"));
    try {
      const built = performance.now();
      await buildVoteChain(dataDir, { votes, batch: BATCH });
      console.log(`# built a chain with ${votes} votes in ${((performance.now() - built) / 1000).toFixed(1)} s`);
      await replayInChild(dataDir, votes);
    } finally {
      if (!values.keep) await rm(dataDir, { recursive: true, force: true });
    }
  }
}
