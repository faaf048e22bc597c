// checkVote (protocol/vote-check.ts) off the relay's event loop. Its cost is the voter
// signature's recovery (secp256k1 in JavaScript, ~3 ms) and the token's RSA check: the
// largest share of the relay's CPU per ballot (scripts/bench/api.ts --cpu-prof). The very
// same function runs in worker threads; the verdict is the same, only the thread differs.
// A worker that fails or dies never loses a check: the vote is checked on the main thread.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkVote, type BallotOnChain, type SignedVote, type VoteCheckContext, type VoteCheckResult } from "../../protocol/index.js";

type Waiting = { resolve: (r: VoteCheckResult) => void; inline: () => void };
type Thread = { worker: Worker; waiting: Map<number, Waiting> };

// urne runs its TypeScript through tsx (bin/urne.js): a worker registers it in its own thread.
const BOOTSTRAP = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(new URL("./check-worker.ts", import.meta.url).href)});`;

/** Threads by default: the cores left beside the main thread, at most 4. */
export const defaultCheckThreads = () => Math.max(0, Math.min(4, availableParallelism() - 1));

export class CheckPool {
  #threads: Thread[] = [];
  #next = 0;
  #id = 0;
  #closed = false;

  /** `size` 0 checks on the calling thread. Workers start at the first check. */
  constructor(private readonly size = defaultCheckThreads()) {}

  check(ballot: BallotOnChain | undefined, vote: SignedVote, ctx: VoteCheckContext): Promise<VoteCheckResult> {
    const inline = () => checkVote(ballot, vote, ctx);
    if (this.size === 0 || this.#closed) return Promise.resolve().then(inline);
    if (this.#threads.length === 0) this.#threads = Array.from({ length: this.size }, () => this.#spawn());
    const thread = this.#threads[this.#next++ % this.#threads.length];
    return new Promise<VoteCheckResult>((resolve, reject) => {
      const id = ++this.#id;
      const run = () => {
        try {
          resolve(inline());
        } catch (error) {
          reject(error);
        }
      };
      thread.waiting.set(id, { resolve, inline: run });
      thread.worker.postMessage({ id, ballot, vote, ctx });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
    for (const t of threads) this.#drain(t);
  }

  #spawn(): Thread {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOTSTRAP)}`));
    worker.unref(); // never keeps the process alive; close() ends it
    const thread: Thread = { worker, waiting: new Map() };
    worker.on("message", (m: { id: number; result?: VoteCheckResult; failed?: true }) => {
      const w = thread.waiting.get(m.id);
      if (!w) return;
      thread.waiting.delete(m.id);
      if (m.result) w.resolve(m.result);
      else w.inline();
    });
    const lost = () => {
      // This thread is gone: its checks (and every later one routed to it) run inline.
      const i = this.#threads.indexOf(thread);
      if (i >= 0) this.#threads.splice(i, 1);
      if (this.#threads.length === 0) this.#closed = true;
      this.#drain(thread);
    };
    worker.on("error", lost).on("exit", lost);
    return thread;
  }

  #drain(thread: Thread) {
    const waiting = [...thread.waiting.values()];
    thread.waiting.clear();
    for (const w of waiting) w.inline();
  }
}
