// The browser code's release as the build describes it (dist/client/manifest.json): every
// file the vote host serves to browsers, with its Subresource Integrity value. The build
// writes it (scripts/build-client.ts), the vote host serves and announces it
// (server/web/client-assets.ts, /.well-known/urne.json), and anyone checks a vote host
// against their own build of the release with it (observer/client-check.ts).
import { createHash } from "node:crypto";

/** The content codings the build precompresses, the vote host's preferred first. */
export const CONTENT_CODINGS = ["br", "gzip"] as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

/** The manifest's name in the bundle's folder. */
export const CLIENT_MANIFEST = "manifest.json";

export type ClientManifest = {
  /** package.json's version at build time. */
  version: string;
  /** By URL path ("/embed.js", "/assets/widget.js", "/assets/chunk-HASH.js"). */
  files: Record<string, {
    /** Path under the bundle's folder. */
    file: string;
    bytes: number;
    /** Subresource Integrity value: "sha384-" and the base64 SHA-384 of the bytes. */
    integrity: string;
    /** Named by content hash: cacheable forever. Entries keep their names and are revalidated. */
    immutable: boolean;
    /** The same bytes compressed, as served to a browser that accepts them (absent when no smaller). */
    encodings: Partial<Record<ContentCoding, { file: string; bytes: number }>>;
  }>;
};

/** The Content-Security-Policy source that allows one inline script: "'sha256-' base64 '". */
export const cspScriptHash = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The Subresource Integrity value of `body` (sha384, as browsers check it). */
export const integrityOf = (body: Uint8Array): string => `sha384-${createHash("sha384").update(body).digest("base64")}`;

/**
 * The modules a page may load, as an import map's `integrity` field gives them to the
 * browser: every ES module of the release (its .js files under /assets/), by URL path.
 * The page shells carry it (server/web/page-code.ts) and the release check expects exactly
 * it (observer/client-check.ts).
 */
export function moduleIntegrity(files: Readonly<Record<string, { integrity: string }>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files)
      .filter(([urlPath]) => urlPath.startsWith("/assets/") && urlPath.endsWith(".js"))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([urlPath, entry]) => [urlPath, entry.integrity]),
  );
}
