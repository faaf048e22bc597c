// `npm run bench -- engine [--steps 100000,1000000]`
// What one EVM step costs in the chain's execution engine (server/chain/engine/, ethereumjs),
// measured on the engine alone, in this process, its state in memory, with no HTTP and no
// other client: a contract-creation transaction whose init code is a countdown loop of 6
// steps per turn (PUSH1 SUB DUP1 PUSH1 JUMPI JUMPDEST around a SWAP1), sealed alone in a
// block, for each size. Prints the CPU per step (the difference between two sizes, so that
// the per-block cost cancels out) and the peak resident memory after each size (VmHWM; EDR,
// which urne ran before, kept a trace of every step of a block until it was mined: about
// 1.7 µs and 1 KB per step, docs/CHAIN.md §4.1).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Transaction, Wallet } from "ethers";
import { BlockEngine } from "../../server/chain/engine/block-engine.js";
import { ENGINE_NAME } from "../../server/chain/engine/engine-rpc.js";
import { newGenesis } from "../../server/chain/genesis.js";

const { values } = parseArgs({ args: process.argv.slice(3), options: { steps: { type: "string", default: "100000,1000000" } } });
const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${+value.toFixed(3)} ${unit}`);
const STEPS_PER_TURN = 6;

/** Peak resident set size of this process so far, in MiB (Linux /proc). */
function peakRssMb(): number {
  const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("VmHWM:"));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : Number.NaN;
}

const sender = Wallet.createRandom();
const genesis = newGenesis({ accounts: [sender.address] });
const engine = await BlockEngine.fromGenesis(genesis);
const chainId = BigInt(genesis.chainId);
let nonce = 0;
let timestamp = genesis.initialDate;

/** Mines one block holding one loop of `turns` turns; returns the CPU milliseconds it took. */
async function mineLoop(turns: number): Promise<{ cpuMs: number; gasUsed: bigint }> {
  if (turns >= 2 ** 24) throw new RangeError("the loop counter is a PUSH3");
  const initCode = "0x62" + turns.toString(16).padStart(6, "0") + "5b600190038060045700";
  const tx = Transaction.from({ type: 2, chainId, nonce: nonce++, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, gasLimit: 30_000_000n, data: initCode });
  const raw = (await sender.signTransaction(tx)).toString();
  const before = process.cpuUsage();
  const { built, leftOut } = await engine.sealBlock([raw], ++timestamp);
  const cpu = process.cpuUsage(before);
  const result = built.results[0];
  if (leftOut.length > 0 || !result || (result.receipt as { status: number }).status !== 1) throw new Error(`the loop of ${turns} turns failed${leftOut.length > 0 ? `: ${leftOut[0].reason}` : ""}`);
  return { cpuMs: (cpu.user + cpu.system) / 1000, gasUsed: result.totalGasSpent };
}

await mineLoop(10); // warm up
const sizes = values.steps.split(",").map((s) => Math.max(1, Math.round(Number(s) / STEPS_PER_TURN)));
const runs: { steps: number; cpuMs: number }[] = [];
for (const turns of sizes) {
  const { cpuMs, gasUsed } = await mineLoop(turns);
  const steps = turns * STEPS_PER_TURN;
  runs.push({ steps, cpuMs });
  bench(`engine_block_cpu_ms_${steps}_steps`, cpuMs, "ms");
  bench(`engine_block_gas_${steps}_steps`, Number(gasUsed), "gas");
  bench(`engine_peak_rss_mb_after_${steps}_steps`, peakRssMb(), "MB");
}
if (runs.length >= 2) {
  const [small, large] = [runs[0], runs.at(-1)!];
  bench("engine_cpu_us_per_evm_step", ((large.cpuMs - small.cpuMs) * 1000) / (large.steps - small.steps), "us");
}
console.log(`# engine: ${ENGINE_NAME}`);
