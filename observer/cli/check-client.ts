// `urne check-client --host URL [--manifest FILE] [--page PATH]...`: does the vote host serve
// the browser code of the release one built oneself? (observer/client-check.ts,
// docs/OPERATIONS.md §1.2). Run it from a checkout of the release's tag after `npm ci`,
// which builds dist/client/manifest.json.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ClientManifest } from "../../protocol/client-manifest.node.js";
import { checkClient, DEFAULT_CLIENT_PAGES } from "../client-check.js";

export const CHECK_CLIENT_USAGE = `usage: urne check-client --host URL [--manifest FILE] [--page PATH]... [--json]

Checks that the vote host at URL serves the browser code of a release, against the
manifest of your own build of that release (git checkout TAG && npm ci):
  K1 /.well-known/urne.json announces the release's version and exactly its files and values
  K2 each file served hashes to the release's integrity value
  K3 each page loads only the release's code, every script, stylesheet and module pinned
     by its integrity value, no other inline script, and a CSP that enforces it
  --manifest FILE  the release's manifest (default dist/client/manifest.json)
  --page PATH      a page to check, e.g. /widget/12?host=https://partner.example or
                   /results/12 (repeatable; default ${DEFAULT_CLIENT_PAGES.join(", ")})

exit codes: 0 the vote host serves the release, 1 it does not (each difference printed),
2 usage, 3 the vote host did not answer`;

export const CHECK_CLIENT_EXIT = Object.freeze({ OK: 0, DIFFERS: 1, USAGE: 2, UNREACHABLE: 3 });

function readManifest(file: string): ClientManifest {
  let manifest: ClientManifest;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8")) as ClientManifest;
  } catch (error) {
    throw new Error(`--manifest: cannot read ${file} (${(error as Error).message}); build the release first (npm ci)`);
  }
  if (typeof manifest?.version !== "string" || typeof manifest.files !== "object" || manifest.files === null) {
    throw new Error(`--manifest: ${file} is not a client manifest (version and files expected)`);
  }
  for (const [urlPath, entry] of Object.entries(manifest.files)) {
    if (!urlPath.startsWith("/") || typeof entry?.integrity !== "string" || !/^sha384-[A-Za-z0-9+/]{64}$/.test(entry.integrity)) {
      throw new Error(`--manifest: ${file}: the entry ${JSON.stringify(urlPath)} has no sha384 integrity value`);
    }
  }
  return manifest;
}

export async function run(args: string[]): Promise<number> {
  const usage = (why: string) => {
    console.error(`urne check-client: ${why}\n\n${CHECK_CLIENT_USAGE}`);
    return CHECK_CLIENT_EXIT.USAGE;
  };
  let values;
  try {
    ({ values } = parseArgs({ args, options: { host: { type: "string" }, manifest: { type: "string" }, page: { type: "string", multiple: true }, json: { type: "boolean" }, help: { type: "boolean" } } }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) {
    console.log(CHECK_CLIENT_USAGE);
    return CHECK_CLIENT_EXIT.OK;
  }
  let host: URL, manifest: ClientManifest;
  try {
    if (!values.host) throw new Error("--host is required");
    try {
      host = new URL(values.host);
    } catch {
      throw new Error(`--host: ${JSON.stringify(values.host)} is not a URL`);
    }
    if (host.protocol !== "https:" && host.protocol !== "http:") throw new Error(`--host: ${host.protocol} is not http or https`);
    for (const page of values.page ?? []) if (!page.startsWith("/")) throw new Error(`--page: ${JSON.stringify(page)} is not a path (it starts with /)`);
    manifest = readManifest(values.manifest ?? "dist/client/manifest.json");
  } catch (error) {
    return usage((error as Error).message);
  }
  let report;
  try {
    report = await checkClient({ host: host.href, manifest, ...(values.page ? { pages: values.page } : {}) });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    console.error(`urne check-client: ${host.origin} did not answer: ${(error as Error).message}${cause ? ` (${cause.message})` : ""}`);
    return CHECK_CLIENT_EXIT.UNREACHABLE;
  }
  if (values.json) console.log(JSON.stringify({ host: host.origin, version: manifest.version, ...report }, null, 2));
  else {
    for (const f of report.findings) console.log(`${f.check} ${f.subject}: ${f.problem}`);
    console.log(report.findings.length === 0
      ? `${host.origin} serves release ${manifest.version}: ${report.files} files and ${report.pages} pages checked (K1-K3)`
      : `${host.origin} does not serve release ${manifest.version}: ${report.findings.length} difference${report.findings.length > 1 ? "s" : ""}`);
  }
  return report.findings.length === 0 ? CHECK_CLIENT_EXIT.OK : CHECK_CLIENT_EXIT.DIFFERS;
}
