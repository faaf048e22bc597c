// Does a vote host serve the browser code of a release? Checked against the manifest of
// one's own build of that release (dist/client/manifest.json; docs/OPERATIONS.md §1.2):
//   K1 announced  /.well-known/urne.json's `client` names the release's version and exactly
//                 its files, each with the release's integrity value;
//   K2 served     each file's bytes, as served, hash to the release's value;
//   K3 pages      each page loads only the release's code, every piece pinned: its
//                 stylesheet and module script carry the release's integrity value, its
//                 import map pins every module of the release (so chunks loaded later are
//                 checked by the browser too), it has no other inline script, and its
//                 Content-Security-Policy runs scripts from the vote host and that import
//                 map only.
// What this proves is what the vote host served to this check, at this time; docs/SECURITY.md
// says what it does not.
import { cspScriptHash, integrityOf, moduleIntegrity, type ClientManifest } from "../protocol/client-manifest.node.js";

export type ClientCheckId = "K1" | "K2" | "K3";
export type ClientFinding = { check: ClientCheckId; subject: string; problem: string };
export type ClientCheckReport = { findings: ClientFinding[]; files: number; pages: number };

/** The pages every vote host serves without a ballot; a ballot's widget and results pages are added with `pages`. */
export const DEFAULT_CLIENT_PAGES: readonly string[] = ["/verify", "/observer", "/proof/print"];

export type ClientCheckOptions = {
  /** The vote host's base URL (its API origin, where /.well-known/urne.json is). */
  host: string;
  manifest: ClientManifest;
  /** Paths (with their query) of the pages to check. */
  pages?: readonly string[];
};

type Fetched = { status: number; headers: Headers; body: Uint8Array };

async function get(url: string): Promise<Fetched> {
  const res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(20_000) });
  return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
}

/** Runs K1-K3; a vote host that does not answer throws (the caller says so), a difference is a finding. */
export async function checkClient(o: ClientCheckOptions): Promise<ClientCheckReport> {
  const base = new URL(o.host);
  const findings: ClientFinding[] = [];
  const find = (check: ClientCheckId, subject: string, problem: string) => findings.push({ check, subject, problem });
  const release = o.manifest.files;

  // K1: what the vote host announces.
  const wellKnown = await get(new URL("/.well-known/urne.json", base).href);
  let announced: { version?: unknown; integrity?: unknown } | undefined;
  try {
    announced = (JSON.parse(new TextDecoder().decode(wellKnown.body)) as { client?: typeof announced }).client;
  } catch {
    announced = undefined;
  }
  if (wellKnown.status !== 200 || !announced || typeof announced.integrity !== "object" || announced.integrity === null) {
    find("K1", "/.well-known/urne.json", `announces no client release (HTTP ${wellKnown.status})`);
  } else {
    if (announced.version !== o.manifest.version) find("K1", "/.well-known/urne.json", `announces version ${JSON.stringify(announced.version)}, the release is ${o.manifest.version}`);
    const values = announced.integrity as Record<string, unknown>;
    for (const [urlPath, entry] of Object.entries(release)) {
      if (!(urlPath in values)) find("K1", urlPath, "is not announced");
      else if (values[urlPath] !== entry.integrity) find("K1", urlPath, `is announced as ${String(values[urlPath])}, the release has ${entry.integrity}`);
    }
    for (const urlPath of Object.keys(values)) if (!(urlPath in release)) find("K1", urlPath, "is announced but is not part of the release");
  }

  // K2: what it serves.
  for (const [urlPath, entry] of Object.entries(release)) {
    const served = await get(new URL(urlPath, base).href);
    if (served.status !== 200) find("K2", urlPath, `answers HTTP ${served.status}`);
    else if (integrityOf(served.body) !== entry.integrity) find("K2", urlPath, `served bytes hash to ${integrityOf(served.body)}, the release has ${entry.integrity}`);
  }

  // K3: what its pages load.
  const pages = o.pages ?? DEFAULT_CLIENT_PAGES;
  for (const page of pages) {
    const served = await get(new URL(page, base).href);
    if (served.status !== 200) {
      find("K3", page, `answers HTTP ${served.status}`);
      continue;
    }
    for (const problem of pageProblems(new TextDecoder().decode(served.body), served.headers.get("content-security-policy"), release, base)) find("K3", page, problem);
  }
  return { findings, files: Object.keys(release).length, pages: pages.length };
}

const attribute = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return m ? (m[2] ?? m[3] ?? m[4]) : undefined;
};

/** What is wrong with one page's HTML and CSP: an empty list when it loads only pinned release code. */
export function pageProblems(html: string, csp: string | null, release: ClientManifest["files"], base: URL): string[] {
  const problems: string[] = [];
  const pinned = (tag: string, urlAttr: "src" | "href", kind: string) => {
    const ref = attribute(tag, urlAttr);
    if (ref === undefined) return problems.push(`a ${kind} without ${urlAttr}`);
    const url = new URL(ref, base);
    const entry = url.origin === base.origin && !url.search ? release[url.pathname] : undefined;
    if (!entry) return problems.push(`loads ${ref}, which is not a file of the release`);
    const integrity = attribute(tag, "integrity");
    if (integrity === undefined) return problems.push(`loads ${url.pathname} without an integrity value`);
    if (integrity !== entry.integrity) return problems.push(`pins ${url.pathname} to ${integrity}, the release has ${entry.integrity}`);
    return undefined;
  };

  const inline: string[] = [];
  let importMaps = 0;
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const [tag, , content] = m;
    const type = (attribute(tag, "type") ?? "").toLowerCase();
    if (attribute(tag, "src") !== undefined) {
      pinned(tag, "src", "script");
      continue;
    }
    if (type === "application/json") continue; // data, never run
    if (type === "importmap") {
      importMaps++;
      inline.push(content);
      let map: { integrity?: unknown } | undefined;
      try {
        map = JSON.parse(content) as typeof map;
      } catch {
        problems.push("has an import map that is not JSON");
        continue;
      }
      const expected = moduleIntegrity(release);
      const given = (map?.integrity ?? {}) as Record<string, unknown>;
      for (const [urlPath, value] of Object.entries(expected)) {
        if (given[urlPath] !== value) problems.push(`its import map pins ${urlPath} to ${String(given[urlPath] ?? "nothing")}, the release has ${value}`);
      }
      for (const urlPath of Object.keys(given)) if (!(urlPath in expected)) problems.push(`its import map names ${urlPath}, which is not a module of the release`);
      const keys = Object.keys(map ?? {}).filter((k) => k !== "integrity");
      if (keys.length > 0) problems.push(`its import map also has ${keys.join(", ")}, which may redirect modules`);
      continue;
    }
    problems.push(`has an inline script (type ${JSON.stringify(type || "text/javascript")})`);
  }
  if (importMaps !== 1) problems.push(`has ${importMaps} import maps (1 expected, pinning every module)`);
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = (attribute(m[0], "rel") ?? "").toLowerCase();
    if (rel === "stylesheet" || rel === "modulepreload" || rel === "preload") pinned(m[0], "href", `<link rel=${rel}>`);
  }
  if (/\son[a-z]+\s*=/i.test(html.replace(/<script\b[\s\S]*?<\/script\s*>/gi, ""))) problems.push("has an inline event handler");

  // The browser enforces the CSP: scripts from the vote host and the import map only.
  const scriptSrc = csp?.split(";").map((d) => d.trim().split(/\s+/)).find((d) => d[0] === "script-src")?.slice(1);
  if (!scriptSrc) problems.push("has no Content-Security-Policy script-src");
  else {
    const hashes = new Set(inline.map(cspScriptHash));
    for (const source of scriptSrc) {
      if (source !== "'self'" && !hashes.has(source)) problems.push(`its Content-Security-Policy allows scripts from ${source}`);
    }
  }
  return problems;
}
