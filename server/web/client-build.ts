// The browser code (client/) is bundled by esbuild when the service starts, in memory:
// no build step to forget, no stale files on disk. Two shapes:
//   - client/embed/embed.ts → /embed.js, one classic script a partner page loads with a
//     <script> tag (no module: it must run on any page, as small as possible);
//   - client/<page>/main.ts → /assets/<page>.js, ES modules with code splitting, so that a
//     first screen loads little and the crypto arrives when it is needed.
// Chunks are named by content hash and served immutable; entries keep stable names.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const CLIENT_DIR = path.join(import.meta.dirname, "..", "..", "client");

export type ClientAsset = {
  /** URL path, e.g. "/assets/widget.js" or "/embed.js". */
  path: string;
  contentType: string;
  body: Buffer;
  /** Size a browser downloads with gzip (level 9), for the size benchmark. */
  gzipBytes: number;
  /** Content-hashed chunks may be cached forever; entries must be revalidated. */
  immutable: boolean;
};

export type ClientBundle = {
  assets: Map<string, ClientAsset>;
  /** Entry pages found under client/ (folder names with a main.ts). */
  pages: string[];
};

const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

function asset(urlPath: string, body: Uint8Array, immutable: boolean): ClientAsset {
  const buffer = Buffer.from(body);
  return {
    path: urlPath,
    contentType: TYPES[path.extname(urlPath)] ?? "application/octet-stream",
    body: buffer,
    gzipBytes: gzipSync(buffer, { level: 9 }).length,
    immutable,
  };
}

export async function buildClient(options: { minify?: boolean } = {}): Promise<ClientBundle> {
  const minify = options.minify ?? true;
  const pages = readdirSync(CLIENT_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(CLIENT_DIR, d.name, "main.ts")))
    .map((d) => d.name)
    .sort();
  const common = {
    bundle: true, minify, write: false, target: "es2022", platform: "browser", legalComments: "none",
    logLevel: "silent", absWorkingDir: CLIENT_DIR,
  } as const;
  const assets = new Map<string, ClientAsset>();

  if (pages.length > 0) {
    const modules = await build({
      ...common,
      entryPoints: Object.fromEntries(pages.map((p) => [p, path.join(CLIENT_DIR, p, "main.ts")])),
      format: "esm", splitting: true, outdir: "/assets", chunkNames: "chunk-[hash]",
      metafile: true,
    });
    for (const file of modules.outputFiles) {
      const urlPath = "/assets/" + path.basename(file.path);
      assets.set(urlPath, asset(urlPath, file.contents, path.basename(file.path).startsWith("chunk-")));
    }
  }
  const embedEntry = path.join(CLIENT_DIR, "embed", "embed.ts");
  if (existsSync(embedEntry)) {
    const embed = await build({ ...common, entryPoints: [embedEntry], format: "iife", outfile: "/embed.js" });
    assets.set("/embed.js", asset("/embed.js", embed.outputFiles[0].contents, false));
  }
  return { assets, pages };
}
