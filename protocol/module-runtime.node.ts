// urne runs as compiled JavaScript (dist/, `npm run build`): the service, its child
// processes and its worker threads run with plain `node`, no TypeScript compiler. Tests and
// development scripts run the TypeScript sources through tsx instead. A module that starts
// a child process or a worker thread names its target *next to itself* (`sibling`), so the
// target is dist's .js when the starter is dist's .js, and the source .ts under tsx; only
// a .ts target is given tsx's loader. This is the one place that says how. Here rather
// than in server/ because the observer tools start threads too (vote-check-pool.node.ts),
// and they must not import the server.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

const isTypeScript = (module: URL) => module.pathname.endsWith(".ts");

/**
 * tsx's loader (its package's main export), by absolute URL so that it works from any
 * working directory; resolved only for a TypeScript target, so never by dist. Through
 * require.resolve: import.meta.resolve is missing where tsx runs this file as CommonJS.
 */
const tsxLoader = () => pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * The module at `relative` (written without an extension, e.g. "./vote-check-thread.node")
 * from the module whose `import.meta.url` is `from`, with that module's own extension.
 */
export function sibling(from: string, relative: string): URL {
  const ext = /\.[cm]?[jt]s$/.exec(new URL(from).pathname)?.[0];
  if (ext === undefined) throw new Error(`module-runtime: cannot tell the extension of ${from}`);
  return new URL(relative + ext, from);
}

/**
 * Node's flags that make a child process run `module`: none for JavaScript (dist); tsx's
 * loader, by absolute URL (any working directory), for a TypeScript source.
 */
export function execArgvFor(module: URL): string[] {
  return isTypeScript(module) ? ["--import", tsxLoader()] : [];
}

/**
 * A worker thread running `module` (a file: URL). A TypeScript source gets tsx registered
 * in the thread first (tsx-register.node.mjs: a worker does not inherit the parent's
 * loader hooks); JavaScript runs as it is.
 */
export function moduleWorker(module: URL, options: WorkerOptions = {}): Worker {
  if (!isTypeScript(module)) return new Worker(module, options);
  const register = new URL("./tsx-register.node.mjs", import.meta.url).href;
  const bootstrap = `await import(${JSON.stringify(register)}); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
