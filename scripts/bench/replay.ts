// `npm run bench -- replay [--votes 10000,100000] [--keep DIR]`
// Start-up time of the embedded chain against the number of votes it holds (issue: "measure
// start-up replay time at 10k and 100k votes"). For each size: a fresh chain with BallotBox
// deployed, one single-choice ballot, N valid votes cast through `castVotes` batches of 50
// by the relayer, node stopped, then, in a fresh process, the engine's restart (the journal
// checked, the derived store checked against it and opened at its head: the same code path
// as node.ts) and, separately, its full build (the derived store deleted, every block
// executed and hash-checked: a first start, or a start after a lost store).
//
// Tokens are signed here with node:crypto's RSA-PSS (the exact signature the blind flow
// produces, PROTOCOL.md §3.2) because the blind round trip only adds client work that a
// replay never sees.
import { spawn } from "node:child_process";
import { constants, sign } from "node:crypto";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Contract, Wallet, hexlify, randomBytes } from "ethers";
import { startChain } from "../../server/chain/node.js";
import { NodeProvider } from "../../server/chain/node-provider.js";
import { BallotBoxAbi } from "../../protocol/generated/BallotBox.js";
import { BallotKind, encodePayload, signVote, tokenMessage, modulusBytes } from "../../protocol/index.js";
import * as protocolNode from "../../protocol/node.js";
import { timeReplay } from "./lib/chain-replay.js";

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

async function buildChain(dataDir: string, votes: number) {
  const chain = await startChain({ dataDir, port: 0, blockIntervalMs: 100 });
  try {
    const provider = new NodeProvider(chain.rpcUrl, chain.chainId, { pollingIntervalMs: 50 });
    const address = chain.deployment!.ballotBox;
    const admin = chain.operators.admin.connect(provider);
    const relayer = chain.operators.relayer.connect(provider);
    const issuer = protocolNode.generateIssuerKey();
    const now = BigInt(Math.floor(Date.now() / 1000));
    const params: Record<string, unknown> = {
      kind: BallotKind.SingleChoice, minChoices: 0, maxChoices: 0, opensAt: now - 60n, closesAt: now + 86_400n,
      allowRevote: false, liveResults: true, issuerModulus: hexlify(modulusBytes(issuer.publicKey)),
      question: "Bench: replay", options: ["Pour", "Contre", "Abstention"],
    };
    // The issuer-key proof (PROTOCOL.md §2.5), when this protocol version has it.
    const prove = (protocolNode as Record<string, unknown>).proveIssuerKey as ((k: unknown) => Uint8Array) | undefined;
    if (prove) params.issuerKeyProof = hexlify(prove(issuer.privateKey));
    const box = new Contract(address, BallotBoxAbi, admin);
    await (await box.createBallot(params)).wait();
    const ballotId = await box.ballotCount();
    const rules = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };

    const relayBox = box.connect(relayer) as Contract;
    let nonce = await provider.getTransactionCount(relayer.address, "latest");
    const sent = [];
    for (let start = 0; start < votes; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(votes, start + BATCH); i++) {
        const voter = new Wallet(hexlify(randomBytes(32)));
        const payload = encodePayload(rules, { kind: BallotKind.SingleChoice, option: i % 3 });
        const message = tokenMessage({ chainId: chain.chainId, ballotBox: address, ballotId, voter: voter.address });
        const tokenSignature = sign("sha256", message, { key: issuer.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
        const voterSignature = await signVote(voter, { chainId: chain.chainId, ballotBox: address, ballotId, revision: 0, payload });
        batch.push({ ballotId, voter: voter.address, revision: 0, payload: hexlify(payload), tokenSignature: hexlify(tokenSignature), voterSignature });
      }
      sent.push(await relayBox.castVotes(batch, { nonce: nonce++, gasLimit: 4_000_000n }));
      // Keep the mempool bounded: wait for the oldest outstanding batches.
      if (sent.length >= 40) await sent.splice(0, 20).at(-1)!.wait();
    }
    for (const tx of sent) await tx.wait();
    const counted = await box.votersCount(ballotId);
    if (counted !== BigInt(votes)) throw new Error(`expected ${votes} votes counted, got ${counted}`);
    provider.destroy();
  } finally {
    await chain.stop();
  }
}

/** Replays `dataDir` in a fresh process, as a restarted node does: no builder EVM in memory. */
async function replayInChild(dataDir: string, votes: number) {
  const child = spawn(process.execPath, ["--import", "tsx", process.argv[1], "replay", "--replay-only", dataDir, "--votes", String(votes), "--rebuild-up-to", values["rebuild-up-to"]], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`replay exited with ${code}`);
}

/** Bytes under `dir`, recursively (the journal's size on disk). */
async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await diskBytes(p) : (await stat(p)).size;
  }
  return total;
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
      await buildChain(dataDir, votes);
      console.log(`# built a chain with ${votes} votes in ${((performance.now() - built) / 1000).toFixed(1)} s`);
      await replayInChild(dataDir, votes);
    } finally {
      if (!values.keep) await rm(dataDir, { recursive: true, force: true });
    }
  }
}
