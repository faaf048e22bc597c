// Votes checked on worker threads (checkVoteFast and its jobs, vote-check.node.ts): the one
// pool of the relay (every ballot it takes, off its event loop) and of the observer recount
// (every VoteCast on chain, one thread per core). The very same functions run in the
// threads and on the calling thread: the verdict is the same, only the thread differs.
// Threads start at the first check; `threads` 0 checks everything on the calling thread.
//
// Two ways to ask, because the two callers have different work and different stakes:
//  - one vote at a time (`check`, the relay). The checks asked in one turn of the event
//    loop cross to a thread as one message (one wake-up, each ballot cloned once): per-check
//    messages cost more CPU than the check itself saves on this thread once it takes well
//    under a millisecond. A thread that fails a check, or dies, never loses it: the check
//    runs again on the calling thread, to give the same verdict or throw the very same
//    error. A relay keeps taking ballots with fewer threads, or none.
//  - batches (`checkLogs`, `checkBlocks`, the recount): a few thousand votes a message,
//    a raw batch's buffer handed over, not copied. A failure rejects the batch with the
//    thread's message (a recount stops at the first log that does not decode, and the
//    bytes handed over are no longer here to check again); the caller splits its work
//    over `threads` itself, to keep the order it counts in.
//
// The relay's figures, on 2 cores (scripts/bench/api.ts --ahead --check-threads N): a
// check cost about 1.5 ms of CPU with libsecp256k1 and OpenSSL before protocol/ took the
// native keccak, recovery and the fast token message too, still the largest single item of
// the relay (scripts/bench/api.ts --cpu-prof). One thread costs ~0.6 ms more CPU per ballot
// (messages, a second heap), and takes ~0.9 ms off the event loop. The service's event
// loop also runs the API, the issuer and the chain's JSON-RPC (`urne start`), and is the
// first thing to saturate: the default keeps one core for it (`checkThreads: 0` suits a
// relay alone on a busy machine). The recount asks one thread per core: its main thread
// only reads and counts (docs/OBSERVERS.md, "Performance").
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { BallotOnChain, SignedVote } from "./ballot.js";
import { moduleWorker, sibling } from "./module-runtime.node.js";
import { checkRawBlocks, checkVoteCast, checkVoteFast, type Deployment, type RawBlocks, type RawLogOutcome, type VoteJob, type VoteOutcome } from "./vote-check.node.js";
import type { VoteCheckContext, VoteCheckResult } from "./vote-check.js";
import { verifySealedBallotNative, type NativeCells, type NativeVerifyInput } from "./sealed/verify-sealed.node.js";

/** One message to a thread. `votes`: the checks of one event-loop turn, each ballot sent once. */
export type ThreadRequest = { id: number } & (
  | { kind: "votes"; ballots: (BallotOnChain | undefined)[]; checks: { ballot: number; vote: SignedVote; ctx: VoteCheckContext }[] }
  | { kind: "logs"; at: Deployment; jobs: VoteJob[] }
  | { kind: "blocks"; at: Deployment; blocks: RawBlocks }
  | { kind: "sealed"; input: NativeVerifyInput }
);

/** A thread's answer: the outcomes in request order (for `votes`, null where that check threw), or why the batch failed. */
export type ThreadAnswer = { id: number; outcomes: unknown[] } | { id: number; error: string };

type Pending = { settle: (outcomes: unknown[]) => void; fail: (error: Error) => void };
type Thread = { worker: Worker; pending: Map<number, Pending> };
type Asked = { ballot: BallotOnChain | undefined; vote: SignedVote; ctx: VoteCheckContext; resolve: (r: VoteCheckResult) => void; inline: () => void };

/** Threads by default: the cores left beside the main thread, at most 4. */
export const defaultCheckThreads = () => Math.max(0, Math.min(4, availableParallelism() - 1));

export class VoteCheckPool {
  #threads: Thread[] = [];
  #next = 0;
  #id = 0;
  #closed = false;
  #outbox: Asked[] = [];
  #answeredOnThreads = 0;

  /**
   * How many checks a thread answered (votes, logs, blocks' votes). A pool whose threads
   * cannot start or are lost checks on the calling thread instead, with the same verdicts:
   * this count is how a test, or an operator, tells the two apart.
   */
  get answeredOnThreads(): number {
    return this.#answeredOnThreads;
  }

  /** `threads` 0 checks on the calling thread. */
  constructor(readonly threads = defaultCheckThreads()) {}

  /** checkVoteFast's verdict on one vote (see the header: batched per turn, never lost). */
  check(ballot: BallotOnChain | undefined, vote: SignedVote, ctx: VoteCheckContext): Promise<VoteCheckResult> {
    const inline = () => checkVoteFast(ballot, vote, ctx);
    if (this.threads === 0 || this.#closed) return Promise.resolve().then(inline);
    return new Promise<VoteCheckResult>((resolve, reject) => {
      const run = () => {
        try {
          resolve(inline());
        } catch (error) {
          reject(error);
        }
      };
      if (this.#outbox.length === 0) setImmediate(() => this.#postVotes());
      this.#outbox.push({ ballot, vote, ctx, resolve, inline: run });
    });
  }

  /**
   * A sealed ballot's proofs (verifySealedBallotNative: a few ms to tens of ms each, one
   * message each), off the calling thread. Resolves with its cells (uncompressed) when they
   * verify; otherwise throws the very error the calling thread's own check throws (the check
   * runs again here to name the field), as it does when no thread can take it.
   */
  async verifySealed(input: NativeVerifyInput): Promise<NativeCells> {
    const inline = () => verifySealedBallotNative(input);
    const thread = this.threads === 0 ? undefined : this.#thread();
    if (!thread) return inline();
    const cells = await new Promise<NativeCells | undefined>((resolve) => this.#send(thread, { id: 0, kind: "sealed", input }, [], {
      settle: ([answer]) => resolve(Array.isArray(answer) ? (answer as NativeCells) : undefined),
      fail: () => resolve(undefined),
    }));
    if (cells) {
      this.#answeredOnThreads++;
      return cells;
    }
    inline();
    // The thread refused what this thread accepts: the two disagree, and nothing is taken.
    throw new Error("vote-check pool: a thread refused a sealed ballot that the calling thread's check accepts");
  }

  /** checkVoteCast on each job, in order (the recount's parsed logs). */
  checkLogs(jobs: VoteJob[], at: Deployment): Promise<VoteOutcome[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    return this.#batch<VoteOutcome>({ id: 0, kind: "logs", at, jobs }, [], () => jobs.map((j) => checkVoteCast(j, at)));
  }

  /** checkRawBlocks: their buffer is handed to the thread, not copied (unusable here afterwards). */
  checkBlocks(blocks: RawBlocks, at: Deployment): Promise<RawLogOutcome[]> {
    return this.#batch<RawLogOutcome>({ id: 0, kind: "blocks", at, blocks }, [blocks.bytes.buffer as ArrayBuffer], () => checkRawBlocks(blocks, at));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
    for (const t of threads) this.#drain(t, new Error("vote-check pool closed"));
  }

  #postVotes() {
    const asked = this.#outbox.splice(0);
    const thread = this.#thread();
    if (!thread) {
      for (const a of asked) a.inline();
      return;
    }
    const ballots: (BallotOnChain | undefined)[] = [];
    const checks = asked.map(({ ballot, vote, ctx }) => {
      let b = ballots.indexOf(ballot);
      if (b < 0) b = ballots.push(ballot) - 1;
      return { ballot: b, vote, ctx };
    });
    this.#send(thread, { id: 0, kind: "votes", ballots, checks }, [], {
      settle: (results) => asked.forEach((a, i) => {
        if (!results[i]) return a.inline();
        this.#answeredOnThreads++;
        a.resolve(results[i] as VoteCheckResult);
      }),
      fail: () => asked.forEach((a) => a.inline()),
    });
  }

  #batch<T>(request: ThreadRequest, transfer: ArrayBuffer[], inline: () => T[]): Promise<T[]> {
    const thread = this.threads === 0 ? undefined : this.#thread();
    if (!thread) return Promise.resolve().then(inline);
    return new Promise<T[]>((resolve, reject) => this.#send(thread, request, transfer, {
      settle: (outcomes) => {
        this.#answeredOnThreads += outcomes.length;
        resolve(outcomes as T[]);
      },
      fail: reject,
    }));
  }

  /** The next thread in turn; undefined once closed or every thread is lost. */
  #thread(): Thread | undefined {
    if (this.#closed) return undefined;
    if (this.#threads.length === 0) this.#threads = Array.from({ length: this.threads }, () => this.#spawn());
    return this.#threads[this.#next++ % this.#threads.length];
  }

  #send(thread: Thread, request: ThreadRequest, transfer: ArrayBuffer[], pending: Pending) {
    const id = (request.id = ++this.#id);
    thread.pending.set(id, pending);
    try {
      thread.worker.postMessage(request, transfer);
    } catch (error) {
      thread.pending.delete(id);
      pending.fail(error as Error);
    }
  }

  #spawn(): Thread {
    const worker = moduleWorker(sibling(import.meta.url, "./vote-check-thread.node"));
    worker.unref(); // never keeps the process alive; close() ends it
    const thread: Thread = { worker, pending: new Map() };
    worker.on("message", (answer: ThreadAnswer) => {
      const p = thread.pending.get(answer.id);
      thread.pending.delete(answer.id);
      if ("outcomes" in answer) p?.settle(answer.outcomes);
      else p?.fail(new Error(`vote-check thread: ${answer.error}`));
    });
    const lost = (error: Error) => {
      // This thread is gone: its work fails over (see the header), later work goes to the others.
      const i = this.#threads.indexOf(thread);
      if (i >= 0) this.#threads.splice(i, 1);
      if (this.#threads.length === 0) this.#closed = true;
      this.#drain(thread, new Error(`vote-check thread failed: ${error.message}`));
    };
    // Any exit before close (even a clean one) leaves its work unanswered.
    worker.on("error", lost).on("exit", (code) => lost(new Error(`exit code ${code}`)));
    return thread;
  }

  #drain(thread: Thread, error: Error) {
    const pending = [...thread.pending.values()];
    thread.pending.clear();
    for (const p of pending) p.fail(error);
  }
}
