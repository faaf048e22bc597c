// The API's store damaged on disk (issue 13): apps, ballots and the issuer's token ledger,
// the record that keeps a voter to one token per ballot. The end of its log cut off, a
// byte flipped, CURRENT gone: each refuses the open naming the log and what it held, and
// changes nothing, so that putting the file back gives every app and record again.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppRegistry } from "../../../server/apps/app-registry.js";
import { TokenLedger } from "../../../server/issuer/token-ledger.js";
import { API_DB_DIR, ApiStore } from "../../../server/store/api-store.js";
import { cutTail, expectRefused, flipByte, newestLog } from "../../helpers/store-damage.js";

const expectCorrupt = (dataDir: string, ...mentions: string[]) => expectRefused(dataDir, () => ApiStore.open(dataDir), "ERR_STORE_CORRUPT", ...mentions);

describe("API store damaged on disk", function () {
  this.timeout(60_000);
  let root: string, pristine: string, dataDir: string, appId: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "urne-api-damage-"));
    pristine = path.join(root, "pristine");
    const store = await ApiStore.open(pristine);
    appId = (await new AppRegistry(store).create({ name: "MaVoix", origins: ["https://mavoix.example"] })).app.id;
    const ledger = new TokenLedger(store.sublevel<string>("issuer-ledger") as never);
    for (let i = 0; i < 3; i++) await ledger.record(7n, randomBytes(32).toString("hex"), randomBytes(256));
    await store.close();
  });
  after(() => rm(root, { recursive: true, force: true }));
  beforeEach(async () => {
    dataDir = path.join(root, `copy-${Math.random().toString(36).slice(2)}`);
    await cp(pristine, dataDir, { recursive: true });
  });

  it("refuses the end of its log cut off, naming the token record it held", async () => {
    const log = await newestLog(path.join(dataDir, API_DB_DIR));
    await cutTail(log, 10);
    await expectCorrupt(dataDir, log, "1 token record of ballot 7", "acknowledged");
  });

  it("refuses one byte flipped in an app's record (followed by whole records)", async () => {
    const log = await newestLog(path.join(dataDir, API_DB_DIR));
    await flipByte(log, 100); // in the app record's value: its key still reads
    await expectCorrupt(dataDir, "fails its checksum", `app ${appId}`, "Whole records follow it");
  });

  it("refuses a store without CURRENT, and gives every app and record back once CURRENT is restored", async () => {
    const current = path.join(dataDir, API_DB_DIR, "CURRENT");
    const saved = await readFile(current);
    await unlink(current);
    await expectCorrupt(dataDir, "CURRENT: is missing");
    await writeFile(current, saved);
    const store = await ApiStore.open(dataDir);
    try {
      expect((await new AppRegistry(store).get(appId))?.name).to.equal("MaVoix");
      expect(await new TokenLedger(store.sublevel<string>("issuer-ledger") as never).issuedCount(7n)).to.equal(3);
    } finally {
      await store.close();
    }
  });
});
