// The page's side of the sealing worker (client/workers/seal-worker.ts). The worker's
// code is fetched, its SHA-384 checked against the integrity value the page's import map
// names for it (the page's HTML names every script it may run by hash:
// server/web/page-code.ts), then started from a blob: URL (the page's CSP allows
// `worker-src blob:`): a worker loaded by URL would escape any integrity check, and it
// holds the voter's choice. The check is made here rather than by fetch()'s `integrity`
// option so that a changed file is told apart from a network fault (WorkerIntegrityError).
import type { SealVoteInput } from "../../protocol/sealed/seal-vote.js";

export const SEAL_WORKER_PATH = "/assets/seal-worker.js";

export type SealRequest =
  | { id: number; kind: "seal"; input: SealVoteInput }
  | { id: number; kind: "audit"; sealId: number }
  | { id: number; kind: "forget"; sealId: number };

export type SealResponse =
  | { id: number; kind: "progress"; done: number; total: number }
  | { id: number; kind: "sealed"; payload: string; tracker: string; trackerText: string }
  | { id: number; kind: "audit"; file: string }
  | { id: number; kind: "forgotten" }
  | { id: number; kind: "error"; message: string };

/** The sealing worker's code is not the one the page names: nothing is sealed. */
export class WorkerIntegrityError extends Error {
  readonly code = "ERR_WORKER_INTEGRITY";
}

/** "sha384-<base64>" of `bytes`. */
async function sha384(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", bytes));
  return "sha384-" + btoa(String.fromCharCode(...digest));
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** A ballot the worker sealed and still holds (its randomness stays there). */
export type HeldBallot = { sealId: number; payload: string; tracker: string; trackerText: string };

/** The integrity value this page's import map gives `path`; throws if the page names none. */
function integrityOf(path: string): string {
  const map = document.querySelector<HTMLScriptElement>('script[type="importmap"]');
  const integrity = map ? (JSON.parse(map.textContent ?? "{}") as { integrity?: Record<string, string> }).integrity?.[path] : undefined;
  if (!integrity) throw new Error(`this page names no integrity value for ${path}`);
  return integrity;
}

export class SealingWorker {
  #worker: Promise<Worker> | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (r: SealResponse) => void; reject: (e: Error) => void; onProgress?: (done: number, total: number) => void }>();

  #start(): Promise<Worker> {
    this.#worker ??= (async () => {
      const expected = integrityOf(SEAL_WORKER_PATH);
      const response = await fetch(SEAL_WORKER_PATH, { cache: "no-store" });
      if (!response.ok) throw new TypeError(`${SEAL_WORKER_PATH}: HTTP ${response.status}`); // a fault: retry
      const code = await response.arrayBuffer();
      const actual = await sha384(code);
      if (actual !== expected) throw new WorkerIntegrityError(`${SEAL_WORKER_PATH} is ${actual}, the page names ${expected}`);
      const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
      const worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.addEventListener("message", ({ data }: MessageEvent<SealResponse>) => {
        const waiting = this.#pending.get(data.id);
        if (!waiting) return;
        if (data.kind === "progress") return waiting.onProgress?.(data.done, data.total);
        this.#pending.delete(data.id);
        if (data.kind === "error") waiting.reject(new Error(data.message));
        else waiting.resolve(data);
      });
      worker.addEventListener("error", (event) => {
        for (const waiting of this.#pending.values()) waiting.reject(new Error(`the sealing worker failed: ${event.message}`));
        this.#pending.clear();
        this.#worker = undefined;
      });
      return worker;
    })();
    this.#worker.catch(() => (this.#worker = undefined)); // tried again next time
    return this.#worker;
  }

  async #ask(request: WithoutId<SealRequest>, onProgress?: (done: number, total: number) => void): Promise<SealResponse & { id: number }> {
    const worker = await this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ ...request, id });
    });
  }

  /** Seals a choice; the worker keeps its randomness. */
  async seal(input: SealVoteInput, onProgress?: (done: number, total: number) => void): Promise<HeldBallot> {
    const r = await this.#ask({ kind: "seal", input }, onProgress);
    if (r.kind !== "sealed") throw new Error(`sealing worker: unexpected answer ${r.kind}`);
    return { sealId: r.id, payload: r.payload, tracker: r.tracker, trackerText: r.trackerText };
  }

  /** The audit file of a held ballot, which the worker then forgets: that ballot must never be cast. */
  async audit(ballot: HeldBallot): Promise<string> {
    const r = await this.#ask({ kind: "audit", sealId: ballot.sealId });
    if (r.kind !== "audit") throw new Error(`sealing worker: unexpected answer ${r.kind}`);
    return r.file;
  }

  /** The worker drops a held ballot's randomness (once it is signed for casting). */
  async forget(ballot: HeldBallot): Promise<void> {
    await this.#ask({ kind: "forget", sealId: ballot.sealId });
  }
}
