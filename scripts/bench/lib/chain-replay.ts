// Times the start-up replay of any urne chain journal (docs/CHAIN.md §Replay): a fresh EVM,
// then every journaled block re-executed and hash-checked. Used by `bench chain`, and by
// any benchmark that builds a bigger journal (votes) and wants its replay time.
import { createEvm } from "../../../server/chain/evm.js";
import { Journal } from "../../../server/chain/journal.js";
import { replayJournal } from "../../../server/chain/replay.js";

export type ReplayTiming = {
  blocks: number;
  transactions: number;
  /** Seconds from "journal opened" to "block n replayed", for each checkpoint reached. */
  checkpoints: { blocks: number; transactions: number; seconds: number }[];
  seconds: number;
  rssMb: number;
};

/** `chainDir` is `<data>/chain`; the node must not be running on it (LevelDB lock). */
export async function timeReplay(chainDir: string, checkpoints: number[] = []): Promise<ReplayTiming> {
  const journal = await Journal.open(chainDir);
  try {
    const started = performance.now();
    const genesis = await journal.genesis();
    if (!genesis) throw new Error(`${chainDir} is not an urne chain journal`);
    const evm = await createEvm(genesis);
    const marks = new Set(checkpoints);
    const reached: ReplayTiming["checkpoints"] = [];
    const result = await replayJournal(evm, journal, genesis, (head, transactions) => {
      if (marks.has(head.number)) reached.push({ blocks: head.number, transactions, seconds: (performance.now() - started) / 1000 });
    });
    return {
      blocks: result.blocks,
      transactions: result.transactions,
      checkpoints: reached,
      seconds: (performance.now() - started) / 1000,
      rssMb: process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    await journal.close();
  }
}
