// The build's output, read as files: dist/ is up to date with the sources, and the import
// graph of the production entry (dist/scripts/urne.js, the `urne` command) never reaches
// the development identity provider (idp/) nor a package of the build (tsx, esbuild,
// typescript, solc). The graph is over-approximated on purpose: every relative string in
// a reachable file that names a module (an import, an import(), a worker or child started
// next to its starter by name) counts as an edge. What the processes really load at run
// time is checked by test/e2e/full-flow.test.ts (module-recorder.mjs).
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIST = path.join(ROOT, "dist");

type Graph = { files: Set<string>; packages: Set<string> };

/** Every dist file reachable from `entry`, and every package those files import or require. */
function importGraph(entry: string): Graph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith(".js")) continue;
    const code = readFileSync(file, "utf8");
    for (const [, , spec] of code.matchAll(/(["'`])(\.\.?\/[^"'`\s]*)\1/g)) {
      const target = path.resolve(path.dirname(file), spec);
      for (const candidate of [target, `${target}.js`]) {
        if (candidate.startsWith(ROOT + path.sep) && existsSync(candidate) && /\.(js|json)$/.test(candidate)) {
          queue.push(candidate);
          break;
        }
      }
    }
    for (const [, spec] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g)) {
      if (spec.startsWith("node:")) continue;
      packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
      if (/^hardhat\/(config|builtin-tasks|internal\/solidity)/.test(spec)) packages.add(spec);
    }
  }
  return { files, packages };
}

const inside = (dir: string) => (f: string) => f.startsWith(path.join(DIST, dir) + path.sep);
const BUILD_ONLY = ["tsx", "esbuild", "typescript", "solc", "hardhat/config", "mocha", "chai", "playwright-core"];

describe("build: dist/ and the production import graph", function () {
  this.timeout(60_000);

  it("dist/ is the build of the sources as they are (node scripts/build.mjs --check)", async () => {
    await promisify(execFile)(process.execPath, ["scripts/build.mjs", "--check"], { cwd: ROOT });
  });

  it("the production entry reaches the whole service, its workers and child processes, but never idp/ nor a build package", () => {
    const graph = importGraph(path.join(DIST, "scripts", "urne.js"));
    // The walk sees what the service runs, also what it starts by file name (no vacuous pass).
    for (const f of ["server/supervisor/supervisor.js", "server/api/api-service.js", "server/chain/call-executor-process.js", "protocol/vote-check-thread.node.js", "observer/cli/recount.js", "server/web/client-assets.js"]) {
      expect(graph.files, f).to.include(path.join(DIST, f));
    }
    expect([...graph.files].filter(inside("idp")), "idp/ files reachable from urne.js").to.deep.equal([]);
    expect([...graph.files].filter((f) => !f.startsWith(DIST + path.sep) && !f.endsWith(".json")), "files outside dist/").to.deep.equal([]);
    expect([...graph.packages].filter((p) => BUILD_ONLY.includes(p) || p === "oidc-provider")).to.deep.equal([]);
  });

  it("the development entry (npm start) does reach idp/, so the walk would see it", () => {
    const graph = importGraph(path.join(DIST, "scripts", "urne-dev.js"));
    expect(graph.files).to.include(path.join(DIST, "idp", "index.js"));
    expect(graph.packages).to.include("oidc-provider");
  });
});
