// Checks batches of VoteCast logs (vote-checks.ts) on worker threads, one per core: the
// recount's cost is almost all there (secp256k1 recovery, RSA-PSS, decoding), and the
// votes of a batch are independent. Small batches run inline: a thread round trip (and
// starting tsx in it) costs more than a few hundred votes.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkRawBlocks, type RawBlocks, type RawLogOutcome } from "./mirror-blocks.js";
import type { WorkerRequest } from "./vote-check-worker.js";
import { checkVoteCast, type Deployment, type VoteJob, type VoteOutcome } from "./vote-checks.js";

// The tools run their TypeScript through tsx (bin/urne.js): a worker registers it in its own thread.
const BOOTSTRAP = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(new URL("./vote-check-worker.ts", import.meta.url).href)});`;

type Pending = { resolve: (v: never[]) => void; reject: (e: Error) => void };

export class VoteCheckPool {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;
  private turn = 0;

  /** `threads` 0 checks on the calling thread. */
  constructor(readonly threads = availableParallelism()) {}

  check(jobs: VoteJob[], at: Deployment): Promise<VoteOutcome[]> {
    if (this.threads === 0 || jobs.length === 0) return Promise.resolve().then(() => jobs.map((j) => checkVoteCast(j, at)));
    return this.send({ id: 0, at, jobs });
  }

  /** Raw mirrored blocks (mirror-blocks.ts); their buffer is handed to the thread, not copied. */
  checkBlocks(blocks: RawBlocks, at: Deployment): Promise<RawLogOutcome[]> {
    if (this.threads === 0) return Promise.resolve().then(() => checkRawBlocks(blocks, at));
    return this.send({ id: 0, at, blocks }, [blocks.bytes.buffer as ArrayBuffer]);
  }

  private send<T>(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<T[]> {
    if (this.workers.length === 0) this.workers = Array.from({ length: this.threads }, () => this.spawn());
    const worker = this.workers[this.turn++ % this.workers.length];
    const id = (request.id = ++this.nextId);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never[]) => void, reject });
      worker.postMessage(request, transfer);
    });
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private spawn(): Worker {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOTSTRAP)}`));
    worker.unref();
    worker.on("message", (m: { id: number; outcomes?: never[]; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.outcomes) p?.resolve(m.outcomes);
      else p?.reject(new Error(`recount worker: ${m.error}`));
    });
    // A recount that lost a thread cannot vouch for anything: fail loudly rather than guess.
    const fail = (error: Error) => {
      for (const p of this.pending.values()) p.reject(new Error(`recount worker thread failed: ${error.message}`));
      this.pending.clear();
    };
    worker.on("error", fail);
    // Any exit before close (even a clean one) leaves its batches unanswered.
    worker.on("exit", (code) => this.workers.includes(worker) && fail(new Error(`exit code ${code}`)));
    return worker;
  }
}
