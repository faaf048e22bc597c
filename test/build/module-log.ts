// Reads what module-recorder.mjs wrote: per process and thread, its command line and every
// module it loaded; and tells which of those only the build may use.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const MODULE_RECORDER = pathToFileURL(path.join(import.meta.dirname, "module-recorder.mjs")).href;

export type ThreadModules = { pid: number; thread: number; argv: string[]; files: string[] };

/** One entry per process and thread, with the files (paths) it loaded, ES modules and CommonJS alike. */
export function readModuleLogs(dir: string): ThreadModules[] {
  return readdirSync(dir).filter((f) => f.endsWith(".log")).map((name) => {
    const [pid, thread] = name.slice(0, -".log".length).split("-").map(Number);
    let argv: string[] = [];
    const files: string[] = [];
    for (const line of readFileSync(path.join(dir, name), "utf8").split("\n")) {
      if (line.startsWith("argv ")) argv = JSON.parse(line.slice(5)) as string[];
      else if (line.startsWith("esm file:")) files.push(fileURLToPath(line.slice(4)));
      else if (line.startsWith("cjs ")) files.push(line.slice(4));
    }
    return { pid, thread, argv, files };
  });
}

/** Packages of the build only: the TypeScript compiler and loader, the bundler, the Solidity compiler. */
const BUILD_PACKAGES = ["tsx", "esbuild", "@esbuild", "typescript", "solc", "get-tsconfig"];

/** What `files` holds that only the build may load: a TypeScript source, a build package, Hardhat's compile tasks. */
export function buildTimeFiles(files: string[]): string[] {
  return files.filter((f) =>
    /\.[cm]?ts$/.test(f)
    || BUILD_PACKAGES.some((p) => f.includes(`${path.sep}node_modules${path.sep}${p}${path.sep}`))
    || /node_modules\/hardhat\/(builtin-tasks|internal\/solidity|internal\/core\/config)\//.test(f));
}
