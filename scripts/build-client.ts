// Bundles the browser code (client/) with esbuild, once, at build time (`npm run build`,
// scripts/build.mjs; docs/ARCHITECTURE.md §7), into dist/client/; the vote host only
// reads it (server/web/client-assets.ts), never bundles. Two shapes:
//   - client/embed/embed.ts → /embed.js, one classic script a partner page loads with a
//     <script> tag (no module: it must run on any page, as small as possible), under a
//     stable name so the partner's tag does not change, pinned with its integrity value;
//   - client/<page>/main.ts → /assets/<page>.js (and .css), ES modules with code
//     splitting, so that a first screen loads little and the crypto arrives when it is
//     needed. Chunks are named by content hash (served immutable); entries keep stable
//     names, which the page shells name;
//   - client/workers/<name>.ts → /assets/<name>.js, one self-contained classic script per
//     Web Worker (no import: a page fetches it with the integrity value its import map
//     names and runs it from a blob: URL, so that all of the worker's code is checked).
// manifest.json lists every file with its SHA-384 Subresource Integrity value: the vote
// host serves those values at /.well-known/urne.json, and anyone who builds the release's
// tag gets the same files and values (a test builds from another directory and compares;
// docs/OPERATIONS.md, "Check the served code against a release"). Each text file is also
// written brotli- and gzip-compressed (file.br, file.gz), so that the vote host serves
// compressed bytes without compressing anything at run time.
//   npx tsx scripts/build-client.ts [OUT_DIR]   (default dist/client)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { CLIENT_MANIFEST, CONTENT_CODINGS, integrityOf, type ClientManifest, type ContentCoding } from "../protocol/client-manifest.node.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Bundles `clientDir` (default client/) into `outDir`, replacing it whole: files, then the
 * manifest. Same sources and esbuild version → same bytes, wherever the tree lies.
 */
export async function buildClient(outDir: string, options: { clientDir?: string; minify?: boolean } = {}): Promise<ClientManifest> {
  const clientDir = options.clientDir ?? path.join(ROOT, "client");
  const pages = readdirSync(clientDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(clientDir, d.name, "main.ts")))
    .map((d) => d.name)
    .sort();
  const common = {
    bundle: true, minify: options.minify ?? true, write: false, target: "es2022", platform: "browser", legalComments: "none",
    logLevel: "silent", absWorkingDir: clientDir,
    // Chunk names hash the inputs' paths as reached from the sources: a node_modules that is
    // a link (as in test/build/client-bundle.test.ts) must not change them.
    preserveSymlinks: true,
  } as const;
  const outputs: { urlPath: string; body: Uint8Array }[] = [];
  if (pages.length > 0) {
    const modules = await build({
      ...common,
      entryPoints: Object.fromEntries(pages.map((p) => [p, path.join(clientDir, p, "main.ts")])),
      format: "esm", splitting: true, outdir: "/assets", chunkNames: "chunk-[hash]",
    });
    for (const file of modules.outputFiles) outputs.push({ urlPath: "/assets/" + path.basename(file.path), body: file.contents });
  }
  const embedEntry = path.join(clientDir, "embed", "embed.ts");
  if (existsSync(embedEntry)) {
    const embed = await build({ ...common, entryPoints: [embedEntry], format: "iife", outfile: "/embed.js" });
    outputs.push({ urlPath: "/embed.js", body: embed.outputFiles[0].contents });
  }
  const workersDir = path.join(clientDir, "workers");
  const workers = existsSync(workersDir) ? readdirSync(workersDir).filter((f) => f.endsWith(".ts")).sort() : [];
  for (const file of workers) {
    const worker = await build({ ...common, entryPoints: [path.join(workersDir, file)], format: "iife", outfile: `/assets/${file.slice(0, -3)}.js` });
    outputs.push({ urlPath: `/assets/${file.slice(0, -3)}.js`, body: worker.outputFiles[0].contents });
  }

  const manifest: ClientManifest = {
    version: (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version,
    files: {},
  };
  // Written beside, then swapped in: a reader never sees half a bundle.
  const staging = `${outDir}.partial`;
  await rm(staging, { recursive: true, force: true });
  for (const { urlPath, body } of outputs.sort((a, b) => (a.urlPath < b.urlPath ? -1 : 1))) {
    const file = urlPath.slice(1);
    await mkdir(path.dirname(path.join(staging, file)), { recursive: true });
    await writeFile(path.join(staging, file), body);
    const encodings: ClientManifest["files"][string]["encodings"] = {};
    for (const coding of CONTENT_CODINGS) {
      const packed = compress(coding, body);
      if (packed.length >= body.length) continue;
      const packedFile = `${file}.${coding === "br" ? "br" : "gz"}`;
      await writeFile(path.join(staging, packedFile), packed);
      encodings[coding] = { file: packedFile, bytes: packed.length };
    }
    manifest.files[urlPath] = { file, bytes: body.length, integrity: integrityOf(body), immutable: path.basename(file).startsWith("chunk-"), encodings };
  }
  await writeFile(path.join(staging, CLIENT_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  await rm(outDir, { recursive: true, force: true });
  await mkdir(path.dirname(outDir), { recursive: true });
  await rename(staging, outDir);
  return manifest;
}

/** Compressed once here, at the highest settings (the vote host never compresses an asset): the same bytes on every build. */
function compress(coding: ContentCoding, body: Uint8Array): Buffer {
  if (coding === "gzip") return gzipSync(body, { level: 9 });
  return brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, "dist", "client"));
  const manifest = await buildClient(outDir);
  console.log(`client: ${Object.keys(manifest.files).length} files in ${path.relative(process.cwd(), outDir) || "."}, /embed.js ${manifest.files["/embed.js"]?.integrity}`);
}
