// The client bundle on the wire: each asset brotli- or gzip-compressed as the build wrote it,
// chosen by the browser's Accept-Encoding, decompressing to exactly the bytes the manifest's
// integrity value names; content-hashed chunks cached for a year, entries revalidated; caches
// told to keep one copy per coding. A compressed file that does not decompress to its asset
// stops the service at start, naming the file.
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { expect } from "chai";
import express from "express";
import { CLIENT_MANIFEST, integrityOf, type ClientManifest } from "../../../protocol/client-manifest.node.js";
import { assetRoutes } from "../../../server/web/assets-routes.js";
import { CLIENT_DIST_DIR, loadClientBundle } from "../../../server/web/client-assets.js";


/** GET with exactly the given Accept-Encoding (fetch would add its own and decompress). */
function get(port: number, urlPath: string, acceptEncoding?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
  });
}

describe("web: the client bundle's assets on the wire", function () {
  this.timeout(30_000);
  let server: http.Server;
  let port: number;
  const manifest = JSON.parse(readFileSync(path.join(CLIENT_DIST_DIR, CLIENT_MANIFEST), "utf8")) as ClientManifest;
  const chunk = Object.keys(manifest.files).find((p) => manifest.files[p].immutable && manifest.files[p].bytes > 50_000)!;
  before(async () => {
    const app = express();
    app.use(assetRoutes(loadClientBundle()));
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  it("sends brotli to a browser that takes it, gzip to one that takes only gzip, and the bytes themselves otherwise: each the asset's integrity value once decoded", async () => {
    const asset = await readFile(path.join(CLIENT_DIST_DIR, manifest.files[chunk].file));
    const cases: [string | undefined, string | undefined, (b: Buffer) => Buffer][] = [
      ["gzip, deflate, br, zstd", "br", brotliDecompressSync], // what Chromium sends
      ["gzip", "gzip", gunzipSync],
      ["br;q=0, gzip;q=0.8", "gzip", gunzipSync],
      ["identity", undefined, (b) => b],
      [undefined, undefined, (b) => b],
    ];
    for (const [accept, coding, decode] of cases) {
      const res = await get(port, chunk, accept);
      expect(res.status, String(accept)).to.equal(200);
      expect(res.headers["content-encoding"], String(accept)).to.equal(coding);
      expect(res.headers.vary, String(accept)).to.equal("Accept-Encoding");
      expect(res.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
      const body = decode(res.body);
      expect(body.equals(asset), String(accept)).to.equal(true);
      expect(integrityOf(body)).to.equal(manifest.files[chunk].integrity);
      if (coding) expect(res.body.length, `${coding} is smaller`).to.be.below(asset.length / 2);
    }
    // An entry keeps its name across releases: revalidated, not cached for a year.
    expect((await get(port, "/assets/widget.js", "br")).headers["cache-control"]).to.equal("public, max-age=300");
  });

  it("stops the service at start when a compressed file does not decompress to its asset, naming it", async () => {
    const copy = await mkdtemp(path.join(os.tmpdir(), "urne-bundle-"));
    try {
      await cp(CLIENT_DIST_DIR, copy, { recursive: true });
      const br = manifest.files[chunk].encodings.br!.file;
      const gz = manifest.files[chunk].encodings.gzip!.file;
      // Another asset's valid brotli stream in its place, then a cut gzip file.
      const other = Object.values(manifest.files).find((f) => f.file !== manifest.files[chunk].file && f.encodings.br)!;
      await writeFile(path.join(copy, br), await readFile(path.join(copy, other.encodings.br!.file)));
      expect(() => loadClientBundle(copy)).to.throw(`${path.join(copy, br)} does not decompress to ${path.join(copy, manifest.files[chunk].file)}`);
      await cp(path.join(CLIENT_DIST_DIR, br), path.join(copy, br));
      const gzBytes = await readFile(path.join(copy, gz));
      await writeFile(path.join(copy, gz), gzBytes.subarray(0, gzBytes.length - 9));
      expect(() => loadClientBundle(copy)).to.throw(`${path.join(copy, gz)} does not decompress to`);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
