// checkVote (protocol/vote-check.ts) off the relay's event loop. With libsecp256k1 and
// OpenSSL (checkVoteFast) a check cost about 1.5 ms of CPU here before protocol/ took
// native keccak and recovery too, still the largest single item of the relay
// (scripts/bench/api.ts --cpu-prof). The very same function runs in worker threads; the
// verdict is the same, only the thread differs. A worker that fails or dies never loses a
// check: the vote is checked on the main thread.
//
// Threads or not, on 2 cores (measured, scripts/bench/api.ts --ahead --check-threads N):
// one thread costs ~0.6 ms more CPU per ballot (messages, a second heap), and takes ~0.9
// ms off the event loop. The service's event loop also runs the API, the issuer and the
// chain's JSON-RPC (`urne start`), and is the first thing to saturate: the default keeps
// one thread beside it; `checkThreads: 0` suits a relay alone on a busy machine.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkVote, type BallotOnChain, type SignedVote, type VoteCheckContext, type VoteCheckResult } from "../../protocol/index.js";
import { parseAddressFast, recoverVoterFast, verifyTokenFast } from "../../protocol/node.js";

/**
 * checkVote with libsecp256k1's key recovery, OpenSSL's token check and the native keccak
 * for the voter's checksum (0.07 ms, 20 µs and 4 µs instead of ethers' 2.1 ms, 200 µs and
 * 15 µs of JavaScript): the same verdicts, held to it by test/protocol/vote-recover.test.ts,
 * token/verify-node.test.ts and keccak-node.test.ts. Functions cannot cross
 * to a worker thread, so each side (this one, check-worker.ts) sets them itself.
 */
export function checkVoteFast(ballot: BallotOnChain | undefined, vote: SignedVote, ctx: VoteCheckContext): VoteCheckResult {
  return checkVote(ballot, vote, { ...ctx, recover: recoverVoterFast, verifyToken: verifyTokenFast, parseAddress: parseAddressFast });
}

/** One message to a thread: the checks of one event-loop turn, each ballot sent once. */
export type CheckBatch = { ballots: (BallotOnChain | undefined)[]; batch: { id: number; ballot: number; vote: SignedVote; ctx: VoteCheckContext }[] };
export type CheckAnswer = { id: number; result?: VoteCheckResult; failed?: true };
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
    const inline = () => checkVoteFast(ballot, vote, ctx);
    if (this.size === 0 || this.#closed) return Promise.resolve().then(inline);
    if (this.#threads.length === 0) this.#threads = Array.from({ length: this.size }, () => this.#spawn());
    return new Promise<VoteCheckResult>((resolve, reject) => {
      const id = ++this.#id;
      const run = () => {
        try {
          resolve(inline());
        } catch (error) {
          reject(error);
        }
      };
      // Checks asked in one turn of the event loop cross to a thread as one message (one
      // wake-up, each ballot cloned once): per-check messages cost more CPU than the check
      // itself saves on this thread once the check takes well under a millisecond.
      if (this.#outbox.length === 0) setImmediate(() => this.#post());
      this.#outbox.push({ id, ballot, vote, ctx, waiting: { resolve, inline: run } });
    });
  }

  #outbox: { id: number; ballot: BallotOnChain | undefined; vote: SignedVote; ctx: VoteCheckContext; waiting: Waiting }[] = [];

  #post() {
    const jobs = this.#outbox.splice(0);
    if (this.#closed || this.#threads.length === 0) {
      for (const j of jobs) j.waiting.inline();
      return;
    }
    const thread = this.#threads[this.#next++ % this.#threads.length];
    const ballots: (BallotOnChain | undefined)[] = [];
    const batch = jobs.map((j) => {
      let b = ballots.indexOf(j.ballot);
      if (b < 0) b = ballots.push(j.ballot) - 1;
      thread.waiting.set(j.id, j.waiting);
      return { id: j.id, ballot: b, vote: j.vote, ctx: j.ctx };
    });
    thread.worker.postMessage({ ballots, batch });
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
    worker.on("message", (answers: CheckAnswer[]) => {
      for (const m of answers) {
        const w = thread.waiting.get(m.id);
        if (!w) continue;
        thread.waiting.delete(m.id);
        if (m.result) w.resolve(m.result);
        else w.inline();
      }
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
