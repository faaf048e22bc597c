// Times the start-up replay of any urne chain journal (docs/CHAIN.md §Replay): a fresh EVM,
// then every journaled block re-executed and hash-checked. Used by `bench chain`, and by
// any benchmark that builds a bigger journal (votes) and wants its replay time.
import { readFileSync } from "node:fs";
import { createEvm } from "../../../server/chain/evm.js";
import { Journal } from "../../../server/chain/journal.js";
import { replayJournal } from "../../../server/chain/replay.js";

export type ReplayTiming = {
  /** Seconds to open the journal: every file checked (server/store/store-check.ts) and LevelDB opened, before any replay. */
  openSeconds: number;
  /** CPU of this process while opening the journal, in seconds. */
  openCpuSeconds: number;
  blocks: number;
  transactions: number;
  /** Seconds from "journal opened" to "block n replayed", for each checkpoint reached. */
  checkpoints: { blocks: number; transactions: number; seconds: number }[];
  seconds: number;
  /** CPU of this process (user + system) during the replay, in seconds. */
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

/** `chainDir` is `<data>/chain`; the node must not be running on it (LevelDB lock). */
export async function timeReplay(chainDir: string, checkpoints: number[] = []): Promise<ReplayTiming> {
  const opening = performance.now();
  const cpuBeforeOpen = process.cpuUsage();
  const journal = await Journal.open(chainDir);
  const openSeconds = (performance.now() - opening) / 1000;
  const openCpuSeconds = ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuBeforeOpen));
  try {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const genesis = await journal.genesis();
    if (!genesis) throw new Error(`${chainDir} is not an urne chain journal`);
    const evm = await createEvm(genesis);
    const marks = new Set(checkpoints);
    const reached: ReplayTiming["checkpoints"] = [];
    const result = await replayJournal(evm, journal, genesis, (head, transactions) => {
      if (marks.has(head.number)) reached.push({ blocks: head.number, transactions, seconds: (performance.now() - started) / 1000 });
    });
    return {
      openSeconds,
      openCpuSeconds,
      blocks: result.blocks,
      transactions: result.transactions,
      checkpoints: reached,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpuBefore)),
      rssMb: process.memoryUsage().rss / 2 ** 20,
      peakRssMb: peakRssMb(),
    };
  } finally {
    await journal.close();
  }
}
