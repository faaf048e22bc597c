// One of `urne start`'s processes (the chain, the relay, the identity provider, the vote
// host, the demo), supervised: started with its arguments, read through its JSON log lines
// (forwarded with the service's name), ready at its `<service>.ready` line, and started
// again, with a growing delay, when it dies after having been ready. A fault in one (the
// EVM panicking, a page handler throwing) ends that process only: the others go on.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { execArgvFor, sibling } from "../../protocol/module-runtime.node.js";
import type { HeldPort } from "./held-port.js";

/** The production command line, next to this file: dist's .js, or the .ts source under tsx. */
const URNE_CLI = sibling(import.meta.url, "../../scripts/urne");
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** Up this long, a process has earned a quick restart again. */
const STABLE_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export type Log = (event: string, fields: Record<string, unknown>) => void;

export type ServiceSpec = {
  /** Its name in the logs and the `urne <name>` command it runs (chain, relay, api, dev-idp, demo). */
  name: string;
  args: string[];
  /** The command line file that has the `urne <name>` command (default: the production one, scripts/urne). */
  entry?: URL;
  /** How long the first start may take before `urne start` gives up. */
  readyTimeoutMs?: number;
  /**
   * Its HTTP port, held here while the process is not serving it (held-port.ts). A process
   * started while it is held gets `--listener ipc`, asks for the socket when it is about to
   * serve (`urne.listener_wanted`), and is handed it; a crash holds it here again.
   */
  port?: HeldPort;
};

/** IPC messages between a service and its supervisor (scripts/urne-services.ts sends the first). */
export const LISTENER_WANTED = "urne.listener_wanted";
export const LISTENER = "urne.listener";

export class ServiceProcess {
  #child: ChildProcess | undefined;
  #stopping = false;
  #retryMs = FIRST_RETRY_MS;
  #restarts = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The fields of the `<name>.ready` line, once seen. */
  ready: Record<string, unknown> | undefined;

  constructor(readonly spec: ServiceSpec, private readonly log: Log) {}

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** Starts it and resolves at its ready line; rejects, naming its last words, if it exits first. */
  start(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const lastWords: string[] = [];
      const timer = setTimeout(() => {
        reject(new Error(`${this.spec.name} not ready within ${(this.spec.readyTimeoutMs ?? 300_000) / 1000} s: ${lastWords.join(" | ")}`));
        this.#child?.kill("SIGKILL");
      }, this.spec.readyTimeoutMs ?? 300_000);
      this.#spawn((fields) => {
        clearTimeout(timer);
        resolve(fields);
      }, (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.spec.name} exited (${code ?? signal}) before it was ready: ${lastWords.join(" | ") || "no output"}`));
      }, lastWords);
    });
  }

  #spawn(onReady: (fields: Record<string, unknown>) => void, onEarlyExit: (code: number | null, signal: string | null) => void, lastWords: string[] = []): void {
    const startedAt = Date.now();
    const port = this.spec.port;
    const handOver = port?.server !== undefined;
    // An IPC channel: a service whose supervisor is gone (even killed) sees it close and stops.
    const entry = this.spec.entry ?? URNE_CLI;
    const child = spawn(process.execPath, [...execArgvFor(entry), fileURLToPath(entry), this.spec.name, ...this.spec.args, ...(handOver ? ["--listener", "ipc"] : [])], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: process.env,
    });
    this.#child = child;
    child.on("message", (message: { type?: unknown }) => {
      const server = port?.server;
      if (message?.type !== LISTENER_WANTED || !server) return;
      // Once the socket is on its way, the supervisor stops accepting on its own copy.
      child.send({ type: LISTENER }, server, (error) => {
        if (error) this.log("service.listener_not_sent", { service: this.spec.name, error: error.message });
        else void port!.release();
      });
    });
    this.log("service.started", { service: this.spec.name, pid: child.pid });
    let readySeen = false;
    const keep = (line: string) => {
      lastWords.push(line.slice(0, 2000)); // a refusal names files and records: keep it whole
      if (lastWords.length > 5) lastWords.shift();
    };
    lines(child.stdout!, (line) => {
      let fields: Record<string, unknown>;
      try {
        fields = JSON.parse(line) as Record<string, unknown>;
        if (typeof fields !== "object" || fields === null || Array.isArray(fields)) throw new TypeError("not an object");
      } catch {
        this.log("service.output", { service: this.spec.name, line });
        keep(line);
        return;
      }
      const { time: _time, event, ...rest } = fields;
      this.log(String(event ?? "service.output"), { service: this.spec.name, ...rest });
      if (typeof event === "string" && /failed|fatal|error/.test(event)) keep(line);
      if (!readySeen && event === `${this.spec.name}.ready`) {
        readySeen = true;
        this.ready = rest;
        onReady(rest);
      }
    });
    lines(child.stderr!, (line) => {
      this.log("service.stderr", { service: this.spec.name, line: line.slice(0, 2000) });
      keep(line);
    });
    child.once("exit", (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      if (this.#stopping) return;
      // Its port answers "starting" again until the next process takes it.
      if (port) port.hold().catch((error: Error) => this.log("service.port_not_held", { service: this.spec.name, error: error.message }));
      if (!readySeen) return onEarlyExit(code, signal);
      // It served, then died: the others go on; it comes back after a delay that grows while it keeps dying.
      if (Date.now() - startedAt > STABLE_MS) this.#retryMs = FIRST_RETRY_MS;
      this.log("service.exited", { service: this.spec.name, code, signal, restartInMs: this.#retryMs });
      this.#timer = setTimeout(() => {
        this.#restarts++;
        this.#spawn((fields) => this.log("service.restarted", { service: this.spec.name, restarts: this.#restarts, ...fields }), (c, s) => {
          this.log("service.restart_failed", { service: this.spec.name, code: c, signal: s });
          this.#scheduleAgain();
        });
      }, this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    });
  }

  #scheduleAgain(): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      this.#restarts++;
      this.#spawn((fields) => this.log("service.restarted", { service: this.spec.name, restarts: this.#restarts, ...fields }), () => this.#scheduleAgain());
    }, this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once it is gone. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.spec.port?.release();
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const kill = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await gone;
    clearTimeout(kill);
  }
}

/** Calls `onLine` for each complete line of `stream`. */
function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (line.trim()) onLine(line);
    }
  });
}
