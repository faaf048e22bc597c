// The client bundle is reproducible: built again from the same sources, in another folder
// (as a partner building the release's tag on their own machine), it has the same files,
// byte for byte, and so the same integrity values as the bundle the service serves
// (dist/client/manifest.json, announced at /.well-known/urne.json). The service refuses to
// start on a bundle that does not match its manifest.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { buildClient } from "../../scripts/build-client.js";
import { CLIENT_MANIFEST, type ClientManifest } from "../../protocol/client-manifest.node.js";
import { CLIENT_DIST_DIR, loadClientBundle } from "../../server/web/client-assets.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("build: the client bundle", function () {
  this.timeout(60_000);
  let tmp: string;
  before(async () => (tmp = await mkdtemp(path.join(os.tmpdir(), "urne-client-build-"))));
  after(async () => rm(tmp, { recursive: true, force: true }));

  it("built from a copy of the sources in another folder, gives the same files and integrity values as dist/client", async () => {
    const tree = path.join(tmp, "urne");
    await cp(path.join(ROOT, "client"), path.join(tree, "client"), { recursive: true });
    await cp(path.join(ROOT, "protocol"), path.join(tree, "protocol"), { recursive: true });
    // What else esbuild reads: tsconfig.json (strict mode: "use strict"), package.json.
    for (const file of ["tsconfig.json", "package.json"]) await cp(path.join(ROOT, file), path.join(tree, file));
    await symlink(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"));
    const rebuilt = await buildClient(path.join(tmp, "out"), { clientDir: path.join(tree, "client") });
    const served = JSON.parse(await readFile(path.join(CLIENT_DIST_DIR, CLIENT_MANIFEST), "utf8")) as ClientManifest;
    expect(Object.keys(rebuilt.files)).to.include.members(["/embed.js", "/assets/widget.js", "/assets/widget.css"]);
    expect(Object.keys(rebuilt.files).filter((p) => rebuilt.files[p].immutable).length, "content-hashed chunks").to.be.greaterThan(0);
    expect(rebuilt).to.deep.equal(served);
    for (const [urlPath, file] of Object.entries(rebuilt.files)) {
      expect(await readFile(path.join(tmp, "out", file.file)), urlPath).to.deep.equal(await readFile(path.join(CLIENT_DIST_DIR, file.file)));
    }
  });

  it("is refused when a file differs from its manifest, naming the file", async () => {
    const copy = path.join(tmp, "tampered");
    await cp(CLIENT_DIST_DIR, copy, { recursive: true });
    expect(loadClientBundle(copy).assets.get("/embed.js")!.body.length).to.be.greaterThan(0);
    await writeFile(path.join(copy, "embed.js"), (await readFile(path.join(copy, "embed.js"), "utf8")) + "\n// tampered\n");
    expect(() => loadClientBundle(copy)).to.throw(/embed\.js does not match the client manifest/);
  });
});
