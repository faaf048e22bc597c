import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { AppRegistry } from "../../../server/apps/app-registry.js";
import { ApiStore } from "../../../server/store/api-store.js";

const run = promisify(execFile);
const urne = (...args: string[]) => run(process.execPath, ["--import", "tsx", "scripts/urne.ts", ...args], { timeout: 60_000 });

describe("urne app create|list|revoke (CLI)", function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-cli-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("prints the key once at creation, lists apps without keys, revokes", async () => {
    const created = await urne("app", "create", "--data", dir, "--name", "MaVoix", "--origin", "https://mavoix.example", "--origin", "https://www.mavoix.example");
    const apiKey = /^(urne_sk_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(apiKey, created.stdout).to.be.a("string");
    const id = /app (app_[A-Za-z0-9_-]+) created/.exec(created.stdout)![1];

    const listed = await urne("app", "list", "--data", dir);
    expect(listed.stdout).to.include(id).and.include("active").and.include("https://www.mavoix.example");
    expect(listed.stdout).not.to.include(apiKey!);

    const revoked = await urne("app", "revoke", id, "--data", dir);
    expect(revoked.stdout).to.include("revoked");
    const store = await ApiStore.open(dir);
    try {
      expect(await new AppRegistry(store).authenticate(apiKey!)).to.equal(undefined);
    } finally {
      await store.close();
    }
  });

  it("refuses a missing origin with a message and exit code 1", async () => {
    const failed = await urne("app", "create", "--data", dir, "--name", "NoOrigin").catch((e) => e);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include("origin");
  });
});
