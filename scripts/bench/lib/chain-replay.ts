// Times the start of any urne chain (docs/CHAIN.md §4): the journal opened and checked, then
// the engine's derived store (<data>/chain-state) checked against it and the journaled
// blocks past its head executed, each against its journaled hash. With `rebuild`, the
// derived store is deleted first, so every block is executed (what a first start, or a
// start after a lost store, costs); without, it is a restart. Used by `bench chain`, `bench
// replay` and `bench durable-state`.
import { readFileSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { DurableChain } from "../../../server/chain/engine/durable-chain.js";
import { Journal } from "../../../server/chain/journal.js";

export type ReplayTiming = {
  /** Seconds to open the journal: every file checked (server/store/store-check.ts) and LevelDB opened, before any replay. */
  openSeconds: number;
  /** CPU of this process while opening the journal, in seconds. */
  openCpuSeconds: number;
  blocks: number;
  /** Transactions in the journal. */
  transactions: number;
  /** Blocks executed at this start (0 for a restart on an intact derived store). */
  executed: number;
  /** Why the derived store was rebuilt, if it was. */
  rebuilt?: string;
  /** Seconds from "journal opened" to "block n executed", for each checkpoint reached. */
  checkpoints: { blocks: number; transactions: number; seconds: number }[];
  seconds: number;
  /** CPU of this process (user + system) during the start, in seconds. */
  cpuSeconds: number;
  rssMb: number;
  /** Peak resident set size of this process so far (Linux VmHWM), in MiB. */
  peakRssMb: number;
};

/** Peak resident set size of this process so far, in MiB (Linux /proc; NaN elsewhere). */
export function peakRssMb(): number {
  try {
    const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("VmHWM:"));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Bytes under `dir`, recursively (a journal's or a store's size on disk). */
export async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await diskBytes(p) : (await stat(p)).size;
  }
  return total;
}

/** `chainDir` is `<data>/chain`; the node must not be running on it (LevelDB lock). */
export async function timeReplay(chainDir: string, checkpoints: number[] = [], opts: { rebuild?: boolean } = {}): Promise<ReplayTiming> {
  const stateDir = path.join(path.dirname(chainDir), "chain-state");
  if (opts.rebuild) await rm(stateDir, { recursive: true, force: true });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const journal = await Journal.open(chainDir);
  const openSeconds = (performance.now() - started) / 1000;
  const openCpuSeconds = ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuBefore));
  try {
    const genesis = await journal.genesis();
    if (!genesis) throw new Error(`${chainDir} is not an urne chain journal`);
    const marks = new Set(checkpoints);
    const reachedAt = new Map<number, number>();
    const chain = await DurableChain.open({
      location: stateDir, journal, genesis,
      onProgress: (n) => {
        if (marks.has(n)) reachedAt.set(n, (performance.now() - started) / 1000);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuBefore));
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    const peak = peakRssMb();
    const { executed, rebuilt } = chain.report;
    await chain.close();
    // Counted after the timing (a second read of the journal would warm the cache before it).
    let transactions = 0;
    const reached: ReplayTiming["checkpoints"] = [];
    for await (const record of journal.blocksAsOpened(1)) {
      transactions += record.transactions.length;
      const at = reachedAt.get(record.number);
      if (at !== undefined) reached.push({ blocks: record.number, transactions, seconds: at });
    }
    return { openSeconds, openCpuSeconds, blocks: journal.head, transactions, executed, ...(rebuilt !== undefined ? { rebuilt } : {}), checkpoints: reached, seconds, cpuSeconds, rssMb, peakRssMb: peak };
  } finally {
    await journal.close();
  }
}
