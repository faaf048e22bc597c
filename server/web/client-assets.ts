// The client bundle as the vote host serves it: built once by `npm run build`
// (scripts/build-client.ts) into dist/client/, read from disk when the service starts,
// each file checked against the SHA-384 integrity value its manifest gives, so that what
// is served is what /.well-known/urne.json announces (docs/OPERATIONS.md, "Check the served
// code against a release"). Nothing is bundled at run time.
import { readFileSync } from "node:fs";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { CLIENT_MANIFEST, integrityOf, type ClientManifest, type ContentCoding } from "../../protocol/client-manifest.node.js";
import { PACKAGE_ROOT } from "../config/package-root.js";

/** Where `npm run build` writes the bundle. */
export const CLIENT_DIST_DIR = path.join(PACKAGE_ROOT, "dist", "client");

export type ClientAsset = {
  /** URL path, e.g. "/assets/widget.js" or "/embed.js". */
  path: string;
  contentType: string;
  body: Buffer;
  integrity: string;
  immutable: boolean;
  /** The same bytes compressed, by content coding (each checked to decompress to `body`). */
  encoded: Map<ContentCoding, Buffer>;
};

export type ClientBundle = {
  version: string;
  assets: Map<string, ClientAsset>;
};

const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

/** Reads the bundle in `dir`; throws, naming the file, if one is missing or differs from the manifest. */
export function loadClientBundle(folder = CLIENT_DIST_DIR): ClientBundle {
  const dir = path.resolve(folder);
  let manifest: ClientManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, CLIENT_MANIFEST), "utf8")) as ClientManifest;
  } catch (error) {
    throw new Error(`no client bundle in ${dir} (${(error as Error).message}): run \`npm run build\``);
  }
  const assets = new Map<string, ClientAsset>();
  for (const [urlPath, entry] of Object.entries(manifest.files)) {
    const file = path.resolve(dir, entry.file);
    if (!file.startsWith(dir + path.sep)) throw new Error(`client manifest names a file outside ${dir}: ${entry.file}`);
    const body = readFileSync(file);
    const integrity = integrityOf(body);
    if (integrity !== entry.integrity) throw new Error(`${file} does not match the client manifest (${integrity}, expected ${entry.integrity}): run \`npm run build\``);
    const encoded = new Map<ContentCoding, Buffer>();
    for (const [coding, variant] of Object.entries(entry.encodings ?? {}) as [ContentCoding, { file: string }][]) {
      const packedFile = path.resolve(dir, variant.file);
      if (!packedFile.startsWith(dir + path.sep)) throw new Error(`client manifest names a file outside ${dir}: ${variant.file}`);
      const packed = readFileSync(packedFile);
      let unpacked: Buffer | undefined;
      try {
        unpacked = coding === "br" ? brotliDecompressSync(packed) : gunzipSync(packed);
      } catch {
        unpacked = undefined;
      }
      if (!unpacked?.equals(body)) throw new Error(`${packedFile} does not decompress to ${file}: run \`npm run build\``);
      encoded.set(coding, packed);
    }
    assets.set(urlPath, { path: urlPath, contentType: TYPES[path.extname(urlPath)] ?? "application/octet-stream", body, integrity, immutable: entry.immutable, encoded });
  }
  return { version: manifest.version, assets };
}

/** What /.well-known/urne.json says of the bundle: the release and each file's integrity value. */
export function clientRelease(bundle: ClientBundle, apiUrl: string): { version: string; embed: { src: string; integrity: string } | null; integrity: Record<string, string> } {
  const embed = bundle.assets.get("/embed.js");
  return {
    version: bundle.version,
    embed: embed ? { src: `${apiUrl}/embed.js`, integrity: embed.integrity } : null,
    integrity: Object.fromEntries([...bundle.assets.values()].map((a) => [a.path, a.integrity])),
  };
}
