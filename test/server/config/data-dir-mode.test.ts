// The data directory and every store in it are the owner's only (0700), whoever opens
// them first and however they were made: OPERATIONS.md §3 says so, and a directory that
// already existed once kept its 0755, the API's LevelDB readable by every local user.
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { startChain } from "../../../server/chain/node.js";
import { ensurePrivateDir } from "../../../server/config/private-file.js";
import { Level } from "level";
import { RelayJournal } from "../../../server/relay/journal.js";
import { migrateRelayJournal } from "../../../server/relay/relay-store-migration.js";
import { ApiStore } from "../../../server/store/api-store.js";

const mode = async (p: string) => ((await stat(p)).mode & 0o777).toString(8);
const run = promisify(execFile);

describe("the data directory's mode: 0700, whoever opens it first", function () {
  this.timeout(120_000);
  let root: string, dataDir: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "urne-mode-"));
    dataDir = path.join(root, "data");
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755); // whatever the umask
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("ensurePrivateDir creates missing directories 0700 and tightens an existing one", async () => {
    const nested = path.join(root, "a", "b");
    await ensurePrivateDir(nested);
    expect([await mode(path.join(root, "a")), await mode(nested)]).to.deep.equal(["700", "700"]);
    await ensurePrivateDir(dataDir);
    expect(await mode(dataDir)).to.equal("700");
  });

  it("the API store (urne api alone, urne app on a stopped service) tightens <data> and <data>/api, even where they were 0755", async () => {
    await mkdir(path.join(dataDir, "api"), { mode: 0o755 });
    await chmod(path.join(dataDir, "api"), 0o755);
    const store = await ApiStore.open(dataDir);
    await store.close();
    expect([await mode(dataDir), await mode(path.join(dataDir, "api"))]).to.deep.equal(["700", "700"]);
  });

  it("the relay's own store (<data>/relay) tightens its directory, even where it was 0755", async () => {
    const location = path.join(dataDir, "relay");
    let journal = await RelayJournal.open(location);
    await journal.close();
    expect(await mode(location)).to.equal("700");
    await chmod(location, 0o755);
    journal = await RelayJournal.open(location);
    await journal.close();
    expect(await mode(location)).to.equal("700");
  });

  it("the relay's journal moved out of an old <data>/api lands in a 0700 <data>/relay", async () => {
    const old = new Level<string, unknown>(path.join(dataDir, "api"), { valueEncoding: "json" });
    await old.sublevel<string, unknown>("relay", { valueEncoding: "json" }).put("meta!seq", 1);
    await old.close();
    expect(await migrateRelayJournal(dataDir)).to.equal(1);
    expect(await mode(path.join(dataDir, "relay"))).to.equal("700");
  });

  it("urne chain alone tightens <data> and <data>/chain, at creation and at a restart", async () => {
    let chain = await startChain({ dataDir, port: 0, deploy: false });
    await chain.stop();
    expect([await mode(dataDir), await mode(path.join(dataDir, "chain"))]).to.deep.equal(["700", "700"]);
    await chmod(dataDir, 0o755);
    await chmod(path.join(dataDir, "chain"), 0o755);
    chain = await startChain({ dataDir, port: 0, deploy: false });
    await chain.stop();
    expect([await mode(dataDir), await mode(path.join(dataDir, "chain"))]).to.deep.equal(["700", "700"]);
  });

  it("`urne app list` on a stopped service, first to open a 0755 data directory, leaves it 0700", async () => {
    await run(process.execPath, ["--import", "tsx", "scripts/urne.ts", "app", "list", "--data", dataDir], { timeout: 60_000 });
    expect([await mode(dataDir), await mode(path.join(dataDir, "api"))]).to.deep.equal(["700", "700"]);
  });
});
