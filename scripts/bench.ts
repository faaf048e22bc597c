// `npm run bench -- SUITE`: runs scripts/bench/SUITE.ts, which prints one line per figure:
// `BENCH <name> <value> <unit>`.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = path.join(import.meta.dirname, "bench");
const suites = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)).sort();
const suite = process.argv[2];
if (!suite || !suites.includes(suite)) {
  console.error(`usage: npm run bench -- SUITE   (suites: ${suites.join(", ")})`);
  process.exit(2);
}
await import(pathToFileURL(path.join(dir, `${suite}.ts`)).href);
