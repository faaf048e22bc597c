// urne runs its TypeScript through tsx (bin/urne.js). A child process or a worker thread
// started from it must load tsx too: this is the one place that says how, by absolute
// URL, so that it works from any working directory (an installed `urne` command, a test,
// a service manager). Here rather than in server/ because the observer tools start
// threads too (vote-check-pool.node.ts), and they must not import the server.
import { Worker, type WorkerOptions } from "node:worker_threads";

/** Node's flags that make a child process run urne's TypeScript files. */
export const TYPESCRIPT_EXEC_ARGV: readonly string[] = Object.freeze(["--import", import.meta.resolve("tsx")]);

const TSX_API = JSON.stringify(import.meta.resolve("tsx/esm/api"));

/**
 * A worker thread running the TypeScript module at `module` (a file: URL): tsx is
 * registered in the thread first (a worker does not inherit the parent's loader hooks).
 */
export function typescriptWorker(module: URL, options: WorkerOptions = {}): Worker {
  const bootstrap = `import { register } from ${TSX_API}; register(); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
