// Preloaded into every process and worker thread of a compiled urne by
// test/build/compiled-urne.test.ts (NODE_OPTIONS=--import=<this file>, which child
// processes inherit through their environment and worker threads through their flags):
// appends to URNE_MODULE_LOG_DIR/<pid>-<thread>.log the process's command line, then every
// module the ES loader loads ("esm <url>"), and at exit every CommonJS module required
// ("cjs <path>", from require.cache: require() does not pass through the loader's hooks
// on Node 20). Plain JavaScript: it must not bring in what the test looks for.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import path from "node:path";
import { threadId } from "node:worker_threads";

const dir = process.env.URNE_MODULE_LOG_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}-${threadId}.log`);
  appendFileSync(file, `argv ${JSON.stringify(process.argv)}\n`);
  register("./module-recorder-hooks.mjs", import.meta.url, { data: { file } });
  const cache = createRequire(import.meta.url).cache;
  process.on("exit", () => appendFileSync(file, Object.keys(cache).map((f) => `cjs ${f}\n`).join("")));
}
