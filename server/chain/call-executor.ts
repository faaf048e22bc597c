// Public eth_call and eth_estimateGas that may run arbitrary code go here, never to the
// sealing engine: a VM in a process of its own (call-executor-process.ts) that reads the
// chain's state node by node from this process, at the block each call names. An interpreter cannot be stopped half way from its
// own thread (EDR could not either: an endless loop at the block gas limit once held the
// one EVM lock for minutes and grew the process to 22 GB).
// Here a call that runs past evmTimeoutMs, or a process that grows past
// executorMemoryBytes, is ended the only sure way: the process is killed, the call
// answered with an error, and the next call starts a new process. docs/CHAIN.md §5.2.
//
// The process keeps no state of its own (only nodes it has read, by hash): a new one
// answers its first call at once, however long the chain (before issue 13 it rebuilt the
// whole chain in memory first: hours at a million votes).
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import type { FromExecutor, ToExecutor } from "./call-executor-process.js";
import type { CallRequest } from "./engine/call-runner.js";
import type { EngineEvm } from "./engine/engine-rpc.js";
import type { Genesis } from "./genesis.js";
import { RpcError, RPC_LIMIT_EXCEEDED } from "./rpc-error.js";
import { execArgvFor, sibling } from "../../protocol/module-runtime.node.js";

export type CallExecutorOptions = {
  genesis: Genesis;
  /** Where a call at a block runs, and the nodes of that block's state (engine-rpc.ts). */
  chain: Pick<EngineEvm, "callSite" | "readNode">;
  evmTimeoutMs: number;
  memoryBytes: number;
  /** Calls waiting beyond this are refused (the executor runs one at a time). */
  maxQueued?: number;
  /** Calls one client may have waiting; clients are served in turn, so one that sends endless loops delays each other client by one call at most. */
  maxQueuedPerClient?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
};

/** geth's error for a call stopped by --rpc.evmtimeout. */
export const RPC_EXECUTION_ERROR = -32000;
const MEMORY_POLL_MS = 100;

/** A process and the calls it was sent that it has not answered yet. */
type Child = { process: ChildProcess; answers: Map<number, Pending>; ready: Promise<void>; failed?: Error };
type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Queued = { method: string; params: unknown[]; onWork?: (ms: number) => void } & Pending;

export class CallExecutor {
  #child: Child | undefined;
  #nextId = 1;
  /** Calls waiting, per client (in arrival order each); served one at a time, client after client. */
  readonly #queues = new Map<string, Queued[]>();
  #queued = 0;
  #running = false;
  #closed = false;
  /** Processes started, calls killed by the timeout or the memory limit, nodes the processes asked for (tests, logs). */
  readonly stats = { started: 0, timedOut: 0, overMemory: 0, nodesServed: 0 };

  constructor(private readonly o: CallExecutorOptions) {}

  /**
   * Runs `method` (eth_call or eth_estimateGas, params already checked and capped) at the
   * block its second parameter names (the head by default), if the chain keeps its state. `onWork` learns how long the call itself ran (not its wait in the queue).
   */
  request(method: string, params: unknown[], onWork?: (ms: number) => void, client = ""): Promise<unknown> {
    if (this.#closed) return Promise.reject(new RpcError(RPC_LIMIT_EXCEEDED, "the call executor is stopping"));
    const mine = this.#queues.get(client) ?? [];
    if (this.#queued >= (this.o.maxQueued ?? 4096) || mine.length >= (this.o.maxQueuedPerClient ?? 256)) {
      return Promise.reject(new RpcError(RPC_LIMIT_EXCEEDED, "too many calls waiting for the call executor; try again shortly"));
    }
    return new Promise((resolve, reject) => {
      mine.push({ method, params, onWork, resolve, reject });
      this.#queues.set(client, mine);
      this.#queued++;
      void this.#serve();
    });
  }

  /** Runs the waiting calls one at a time, taking the next from each client in turn. */
  async #serve(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queues.size > 0) {
        // A Map iterates in insertion order: the first client's first call, then that client goes last.
        const [client, queue] = this.#queues.entries().next().value as [string, Queued[]];
        const call = queue.shift()!;
        this.#queues.delete(client);
        if (queue.length > 0) this.#queues.set(client, queue);
        this.#queued--;
        await this.#run(call.method, call.params, call.onWork).then(call.resolve, call.reject);
      }
    } finally {
      this.#running = false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const queue of this.#queues.values()) for (const call of queue) call.reject(new RpcError(RPC_LIMIT_EXCEEDED, "the call executor is stopping"));
    this.#queues.clear();
    this.#queued = 0;
    this.#kill(new RpcError(RPC_LIMIT_EXCEEDED, "the call executor is stopping"));
  }

  async #run(method: string, params: unknown[], onWork?: (ms: number) => void): Promise<unknown> {
    if (method !== "eth_call" && method !== "eth_estimateGas") throw new RpcError(-32601, `the call executor runs eth_call and eth_estimateGas, not ${method}`);
    const site = await this.o.chain.callSite(params[1]);
    const child = this.#child ?? this.#start();
    // The time limit counts the call's own work, not the new process' start.
    await child.ready;
    if (child.failed) throw new RpcError(RPC_LIMIT_EXCEEDED, `the call executor failed: ${child.failed.message}`);
    if (this.#child !== child) throw new RpcError(RPC_LIMIT_EXCEEDED, "the call executor restarted; try again");
    const id = this.#nextId++;
    const started = performance.now();
    const answer = new Promise<unknown>((resolve, reject) => child.answers.set(id, { resolve, reject }));
    child.process.send({ type: "call", id, method, request: params[0] as CallRequest, site } satisfies ToExecutor);
    const timer = setTimeout(() => {
      this.stats.timedOut++;
      this.o.log?.("chain.call_aborted", { method, reason: "timeout", ms: this.o.evmTimeoutMs });
      this.#kill(new RpcError(RPC_EXECUTION_ERROR, `execution aborted (timeout = ${this.o.evmTimeoutMs / 1000}s)`), id);
    }, this.o.evmTimeoutMs);
    const memory = setInterval(() => {
      if (rssOf(child.process.pid) <= this.o.memoryBytes) return;
      this.stats.overMemory++;
      this.o.log?.("chain.call_aborted", { method, reason: "memory", bytes: this.o.memoryBytes });
      this.#kill(new RpcError(RPC_EXECUTION_ERROR, `execution aborted (memory above ${Math.round(this.o.memoryBytes / 2 ** 20)} MiB)`), id);
    }, MEMORY_POLL_MS);
    try {
      return await answer;
    } finally {
      clearTimeout(timer);
      clearInterval(memory);
      onWork?.(performance.now() - started);
    }
  }

  #start(): Child {
    const module = sibling(import.meta.url, "./call-executor-process");
    const process = fork(module, [], {
      execArgv: execArgvFor(module),
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    this.stats.started++;
    // The lowest CPU priority: a call that loops until its time limit uses what the sealer,
    // the vote host and the relay leave, never their share (docs/CHAIN.md §5.2).
    try {
      if (process.pid !== undefined) setPriority(process.pid, 19);
    } catch {
      // not permitted here: the time and memory limits still hold
    }
    let stderr = "";
    process.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-2000)));
    let ready!: () => void;
    const child: Child = { process, answers: new Map(), ready: new Promise<void>((resolve) => (ready = resolve)) };
    process.on("message", (message: FromExecutor) => {
      if (message.type === "ready") {
        ready();
      } else if (message.type === "node") {
        this.stats.nodesServed++;
        this.o.chain.readNode(message.number, Buffer.from(message.key)).then(
          (read) => {
            if (this.#child === child) child.process.send({ type: "node", seq: message.seq, ...read } satisfies ToExecutor);
          },
          (error: Error) => {
            // The store could not be read: the call cannot go on, and must not read a missing node as empty.
            if (this.#child === child) child.process.send({ type: "node", seq: message.seq, gone: `the chain's state could not be read: ${error.message}` } satisfies ToExecutor);
          },
        );
      } else if (message.type === "answer") {
        const pending = child.answers.get(message.id);
        child.answers.delete(message.id);
        if (message.error) pending?.reject(new RpcError(message.error.code, message.error.message, message.error.data));
        else pending?.resolve(message.result);
        // A call that left the process large: the next call gets a fresh one.
        if (message.rss > this.o.memoryBytes && this.#child === child) this.#kill(undefined);
      } else {
        child.failed = new Error(message.message);
        this.o.log?.("chain.call_executor_failed", { error: message.message });
      }
    });
    process.once("exit", (code, signal) => {
      if (this.#child === child) {
        this.#child = undefined;
        if (!this.#closed) this.o.log?.("chain.call_executor_exited", { code, signal, stderr: stderr.slice(-500) });
      }
      child.failed ??= new Error(`exited (${code ?? signal})`);
      ready();
      for (const [id, pending] of child.answers) {
        child.answers.delete(id);
        pending.reject(new RpcError(RPC_LIMIT_EXCEEDED, "the call executor restarted; try again"));
      }
    });
    process.send({ type: "start", genesis: this.o.genesis } satisfies ToExecutor);
    this.#child = child;
    return child;
  }

  /** Ends the process; the call `id` (if any) is answered with `reason`, the others with a retry. */
  #kill(reason: RpcError | undefined, id?: number): void {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (id !== undefined && reason) {
      const pending = child.answers.get(id);
      child.answers.delete(id);
      pending?.reject(reason);
    }
    child.process.kill("SIGKILL");
  }
}

/** Resident memory of a process, from /proc (Linux); 0 where it cannot be read. */
function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
    return Number(fields[1]) * 4096;
  } catch {
    return 0;
  }
}
