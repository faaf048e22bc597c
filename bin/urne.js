#!/usr/bin/env node
// The `urne` command (package.json "bin"): the production entry as `npm run build` compiled
// it (npm install runs the build; docs/ARCHITECTURE.md §7). Plain node: no TypeScript
// compiler at run time.
import { existsSync } from "node:fs";

const entry = new URL("../dist/scripts/urne.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("urne: not built (dist/scripts/urne.js is missing): run `npm run build` in the urne folder");
  process.exit(1);
}
await import(entry.href);
