// `npm run bench -- chain [--txs N] [--senders N] [--interval-ms N] [--replay-blocks 100,1000,5000]
//                          [--txs-per-block N] [--journal DATA_DIR [--checkpoints 100,1000]]`
// 1. Throughput: signed ETH transfers sent one request each through the public JSON-RPC,
//    counted when sealed and journaled (receipt visible = block final).
// 2. Replay: the engine's full build (derived store deleted, every block executed and
//    hash-checked) against chain length, on a journal built here, or on any existing data
//    dir with --journal (e.g. one a votes benchmark produced), then its restart.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Wallet } from "ethers";
import { spawn } from "node:child_process";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";
import { DEFAULT_DOOR_LIMITS } from "../../server/chain/door-limits.js";
import { hasZeroBaseFee, newGenesis } from "../../server/chain/genesis.js";
import { Mutex } from "../../server/chain/mutex.js";
import { Sealer } from "../../server/chain/sealer.js";
import { engineParts } from "../../test/chain/engine-parts.js";
import { rpcCall } from "../../test/helpers/rpc.js";
import { freePort } from "../../test/helpers/free-port.js";
import { sendRaw, signTransfers } from "../../test/chain/transfers.js";
import { timeReplay } from "./lib/chain-replay.js";

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    txs: { type: "string", default: "10000" },
    senders: { type: "string", default: "16" },
    "interval-ms": { type: "string", default: "1000" },
    "replay-blocks": { type: "string", default: "100,1000,5000" },
    "txs-per-block": { type: "string", default: "5" },
    journal: { type: "string" },
    checkpoints: { type: "string" },
  },
});
const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${+value.toFixed(3)} ${unit}`);
const note = (text: string) => console.log(`# ${text}`);

/** The node as it runs in production: its own process, reached over HTTP only. */
async function spawnNode(dataDir: string, port: number, intervalMs: number) {
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/urne.ts", "chain", "--data", dataDir, "--port", String(port), "--block-interval-ms", String(intervalMs)], {
    cwd: root, stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    let buffer = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      buffer += d;
      const ready = buffer.split("\n").find((l) => l.includes('"chain.ready"'));
      if (ready) resolve(JSON.parse(ready).rpcUrl);
    });
    child.once("exit", (code) => reject(new Error(`node exited with ${code}`)));
  });
  return { rpcUrl, stop: async () => { child.kill("SIGTERM"); await exited; } };
}

async function waitNonce(rpcUrl: string, address: string, nonce: number) {
  while (Number(await rpcCall(rpcUrl, "eth_getTransactionCount", [address, "latest"])) < nonce) await new Promise((r) => setTimeout(r, 5));
}

async function throughput(total: number, senders: number, intervalMs: number) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-bench-chain-"));
  const node = await spawnNode(dataDir, await freePort(), intervalMs);
  try {
    const chainId = BigInt((await rpcCall(node.rpcUrl, "eth_chainId", [])) as string);
    // Fund the senders from the relayer operator account (the bench reads the node's keys file).
    const relayer = new Wallet(readOperatorKeys(dataDir)!.find((k) => k.name === "relayer")!.privateKey);
    const wallets = Array.from({ length: senders }, () => Wallet.createRandom());
    // Sign first: signing blocks this process's event loop for seconds, long enough for the
    // node to close an idle keep-alive socket that this client would then try to reuse.
    const perSender = Math.ceil(total / senders);
    const signed = await Promise.all(wallets.map((w) => signTransfers(w, chainId, 0, perSender)));
    const funding = Number(await rpcCall(node.rpcUrl, "eth_getTransactionCount", [relayer.address, "latest"]));
    for (const [i, w] of wallets.entries()) {
      await sendRaw(node.rpcUrl, await relayer.signTransaction({
        type: 2, chainId, nonce: funding + i, to: w.address, value: 10n ** 20n, gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n,
      }));
    }
    await waitNonce(node.rpcUrl, relayer.address, funding + senders);

    const firstBlock = Number(await rpcCall(node.rpcUrl, "eth_blockNumber", []));
    const started = performance.now();
    // One request per transaction, one stream per sender (nonce order), all senders at once;
    // a sender keeps fewer waiting than the door's per-sender limit (64, docs/CHAIN.md §5.4).
    const WINDOW = 60;
    await Promise.all(signed.map(async (raws, s) => {
      for (const [i, raw] of raws.entries()) {
        if (i >= WINDOW) await waitNonce(node.rpcUrl, wallets[s].address, i - WINDOW + 1);
        await sendRaw(node.rpcUrl, raw);
      }
    }));
    const submitted = performance.now();
    for (const w of wallets) await waitNonce(node.rpcUrl, w.address, perSender);
    const final = performance.now();
    const blocks = Number(await rpcCall(node.rpcUrl, "eth_blockNumber", [])) - firstBlock;
    const n = perSender * senders;
    note(`${n} transfers from ${senders} senders to a node in its own process, block interval ${intervalMs} ms, ${blocks} blocks`);
    bench("chain_submit_per_s", n / ((submitted - started) / 1000), "tx/s");
    bench("chain_tx_per_s", n / ((final - started) / 1000), "tx/s");
  } finally {
    await node.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Builds a journal of `blocks` blocks of `perBlock` transfers each, sealed as the node does. */
async function buildJournal(chainDir: string, blocks: number, perBlock: number) {
  const senders = Array.from({ length: perBlock }, () => Wallet.createRandom());
  const genesis0 = newGenesis({ accounts: senders.map((w) => w.address) });
  // The node's parts: journal in chainDir, derived store beside it (<data>/chain-state).
  const parts = await engineParts(path.dirname(chainDir), genesis0, { ...DEFAULT_DOOR_LIMITS, maxPoolTransactions: 1e6, maxPoolBytes: 2 ** 40, maxSenderTransactions: 1e6 });
  const { genesis, journal } = parts;
  const chainId = BigInt(genesis.chainId);
  const sealer = new Sealer(parts.evm, parts.chain, journal, new Mutex(), parts.pool, parts.head, {
    intervalMs: 1e9, zeroBaseFee: hasZeroBaseFee(genesis), onFatal: (e) => { throw e; },
  });
  const chunk = 100; // sign ahead in chunks: signing is the client's cost, not the chain's
  for (let b = 0; b < blocks; b += chunk) {
    const n = Math.min(chunk, blocks - b);
    const raws = await Promise.all(senders.map((w) => signTransfers(w, chainId, b, n)));
    for (let i = 0; i < n; i++) {
      for (const r of raws) await sealer.submit(r[i]);
      await sealer.sealPending();
    }
  }
  await parts.chain.close();
  await journal.close();
}

async function replay(sizes: number[], perBlock: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "urne-bench-replay-"));
  try {
    const max = Math.max(...sizes);
    const t = performance.now();
    await buildJournal(path.join(dir, "chain"), max, perBlock);
    note(`built a journal of ${max} blocks x ${perBlock} transfers in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // Replay in a fresh process, as a node starts: no builder EVM in memory to skew RSS.
    const child = spawn(process.execPath, ["--import", "tsx", process.argv[1], "chain", "--journal", dir, "--checkpoints", sizes.join(",")], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`replay benchmark exited with ${code}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function replayExisting(dataDir: string, checkpoints: number[]) {
  const timing = await timeReplay(path.join(path.resolve(dataDir), "chain"), checkpoints, { rebuild: true });
  for (const c of timing.checkpoints) {
    if (c.blocks === timing.blocks) continue;
    note(`replay of ${c.blocks} blocks / ${c.transactions} txs: ${c.seconds.toFixed(2)} s`);
    bench(`chain_replay_s_${c.blocks}_blocks`, c.seconds, "s");
  }
  note(`replay of ${timing.blocks} blocks / ${timing.transactions} txs (whole journal, fresh process): ${timing.seconds.toFixed(2)} s`);
  bench(`chain_replay_s_${timing.blocks}_blocks`, timing.seconds, "s");
  bench("chain_replay_tx_per_s", timing.transactions / timing.seconds, "tx/s");
  bench(`chain_replay_rss_mb_${timing.blocks}_blocks`, timing.rssMb, "MB");
  const restart = await timeReplay(path.join(path.resolve(dataDir), "chain"));
  note(`restart on the derived store just built: ${restart.seconds.toFixed(2)} s, ${restart.executed} blocks executed`);
  bench(`chain_restart_s_${restart.blocks}_blocks`, restart.seconds, "s");
}

if (values.journal) {
  await replayExisting(values.journal, values.checkpoints ? values.checkpoints.split(",").map(Number) : []);
} else {
  await throughput(Number(values.txs), Number(values.senders), Number(values["interval-ms"]));
  await replay(values["replay-blocks"]!.split(",").map(Number), Number(values["txs-per-block"]));
}
