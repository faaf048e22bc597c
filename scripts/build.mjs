#!/usr/bin/env node
// `npm run build` (and `npm install`'s prepare, `npm start`, `npm test`): makes what the
// service runs, once, so that nothing is compiled when it starts (docs/ARCHITECTURE.md
// §7). Plain JavaScript, so that finding the build up to date needs node alone. Steps,
// each skipped when the SHA-256 of its inputs is the one recorded at its last success and
// its outputs are there:
//   contracts  hardhat compile (the npm `solc` package) → build/artifacts/, then
//              scripts/export-abi.ts → protocol/generated/ (ABI, bytecode, constants)
//   server     tsc -p tsconfig.build.json → dist/ (protocol/, server/, observer/, trustee/, idp/,
//              scripts/urne*.js): what `node` runs, in the service, its child processes
//              and its worker threads
//   client     scripts/build-client.ts → dist/client/: embed.js, the pages' modules,
//              content-hashed chunks, manifest.json with each file's SHA-384 integrity
// Usage: node scripts/build.mjs [--force] [--check]
//   --force  run every step;  --check  build nothing, exit 1 naming the steps out of date.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const STAMPS = path.join(ROOT, "dist", ".build-stamps.json");
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);

/** Every file under `entries` (files or folders, relative to the root), sorted. */
function files(entries) {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(ROOT, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs)) walk(path.join(rel, name));
    else out.push(rel.split(path.sep).join("/"));
  };
  entries.forEach(walk);
  return out.sort();
}

/** SHA-256 over the names and bytes of `entries`' files. */
function digest(entries) {
  const hash = createHash("sha256");
  for (const rel of files(entries)) hash.update(rel).update("\0").update(readFileSync(path.join(ROOT, rel))).update("\0");
  return hash.digest("hex");
}

function run(command, args) {
  if (!existsSync(command)) {
    throw new Error(`${path.relative(ROOT, command)} is missing: the build needs the development dependencies (npm install, without --omit=dev)`);
  }
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(" ")} failed (${result.status ?? result.signal})`);
}

/** Removes dist/'s JavaScript whose TypeScript source is gone (tsc never deletes). */
function pruneOrphans() {
  for (const rel of files(["dist"])) {
    if (!rel.endsWith(".js") || rel.startsWith("dist/client/")) continue;
    const source = rel.slice("dist/".length, -".js".length) + ".ts";
    if (!existsSync(path.join(ROOT, source))) rmSync(path.join(ROOT, rel));
  }
}

const STEPS = [
  {
    name: "contracts",
    inputs: () => ["contracts", "hardhat.config.cjs", "scripts/export-abi.ts", "package-lock.json"],
    outputs: ["build/artifacts", "protocol/generated/BallotBox.ts"],
    make: () => {
      run(bin("hardhat"), ["compile", "--quiet"]);
      run(bin("tsx"), ["scripts/export-abi.ts"]);
    },
  },
  {
    name: "server",
    inputs: () => ["protocol", "server", "observer", "trustee", "idp", ...files(["scripts"]).filter((f) => /^scripts\/urne[^/]*\.ts$/.test(f)), "contracts/toolchain.json", "tsconfig.json", "tsconfig.build.json", "package-lock.json"],
    outputs: ["dist/scripts/urne.js", "dist/scripts/urne-dev.js"],
    make: () => {
      run(bin("tsc"), ["-p", "tsconfig.build.json"]);
      pruneOrphans();
    },
  },
  {
    name: "client",
    inputs: () => ["client", "protocol", "scripts/build-client.ts", "server/web/client-assets.ts", "server/config/package-root.ts", "package.json", "package-lock.json"],
    outputs: ["dist/client/manifest.json"],
    make: () => run(bin("tsx"), ["scripts/build-client.ts"]),
  },
];

const args = new Set(process.argv.slice(2));
const stamps = existsSync(STAMPS) ? JSON.parse(readFileSync(STAMPS, "utf8")) : {};
const stale = [];
try {
  for (const step of STEPS) {
    // Computed when the step comes: an earlier step's outputs may be this one's inputs.
    const hash = digest(step.inputs());
    const upToDate = !args.has("--force") && stamps[step.name] === hash && step.outputs.every((o) => existsSync(path.join(ROOT, o)));
    if (upToDate) continue;
    stale.push(step.name);
    if (args.has("--check")) continue;
    const started = Date.now();
    step.make();
    stamps[step.name] = hash;
    mkdirSync(path.dirname(STAMPS), { recursive: true });
    writeFileSync(STAMPS, JSON.stringify(stamps, null, 2) + "\n");
    console.error(`build: ${step.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (error) {
  console.error(`build: ${error.message}`);
  process.exit(1);
}
if (args.has("--check") && stale.length > 0) {
  console.error(`build: out of date: ${stale.join(", ")} (npm run build)`);
  process.exit(1);
}
