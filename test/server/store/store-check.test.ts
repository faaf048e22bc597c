// A store is checked before it is opened, and opened only when every byte LevelDB would
// recover is whole (server/store/store-check.ts, durable-level.ts). Each kind of damage,
// done to real LevelDB files, refuses the open with ERR_STORE_CORRUPT naming the file and
// what the damaged record held, and leaves every file as it was; a write cut short past
// the watermark is a crash's, and is dropped as LevelDB would.
import { expect } from "chai";
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openStore, type DurableLevel } from "../../../server/store/durable-level.js";
import { scanLog } from "../../../server/store/leveldb-files.js";
import { checkStore, WATERMARK_FILE, type HeldEntry } from "../../../server/store/store-check.js";
import { StoreCorruptError, StoreInUseError } from "../../../server/store/store-errors.js";
import { cutTail, expectRefused, flipByte, newestLog, tables } from "../../helpers/store-damage.js";

const describeKeys = (entries: HeldEntry[]) => entries.map((e) => `entry ${e.key}`).join(", ");
const SYNC = { sync: true } as never;
const open = (location: string, log?: (event: string, fields: Record<string, unknown>) => void) =>
  openStore<unknown>(location, { name: "test store", describe: describeKeys, valueEncoding: "json", inUseHint: "stop it", log });

/** Opening must fail with ERR_STORE_CORRUPT, and leave every file of the directory as it was. */
const expectCorrupt = (location: string, ...mentions: string[]) =>
  expectRefused(location, () => open(location), "ERR_STORE_CORRUPT", ...mentions) as Promise<StoreCorruptError>;

describe("stores are checked before they are opened", function () {
  this.timeout(60_000);
  let root: string;
  /** A store written in two sessions: its first writes compacted into a table, the later ones in the log. */
  let pristine: string;
  let store: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "urne-store-check-"));
    pristine = path.join(root, "pristine");
    let db = await open(pristine);
    for (let i = 0; i < 200; i++) await db.put(`old:${String(i).padStart(4, "0")}`, { i, text: "an old entry ".repeat(10) }, SYNC);
    await db.close();
    db = await open(pristine);
    for (let i = 0; i < 20; i++) await db.put(`new:${String(i).padStart(4, "0")}`, { i, text: "a new entry ".repeat(4) }, SYNC);
    await db.close();
    expect(await tables(pristine)).to.have.length(1);
  });
  after(() => rm(root, { recursive: true, force: true }));
  beforeEach(async () => {
    store = path.join(root, `copy-${Math.random().toString(36).slice(2)}`);
    await cp(pristine, store, { recursive: true });
  });

  it("opens a sound store, and every entry is there", async () => {
    expect(await checkStore(store, describeKeys)).to.deep.include({ state: "existing" });
    const db = await open(store);
    expect(await db.get("old:0199")).to.deep.include({ i: 199 });
    expect(await db.get("new:0019")).to.deep.include({ i: 19 });
    await db.close();
  });

  it("creates a store only where there is none: no directory, or one LevelDB never wrote to", async () => {
    expect(await checkStore(path.join(root, "nothing"), describeKeys)).to.deep.equal({ state: "absent" });
    const empty = path.join(root, "empty");
    await mkdir(empty);
    await writeFile(path.join(empty, "LOG"), "");
    expect(await checkStore(empty, describeKeys)).to.deep.equal({ state: "empty" });
    const db = await open(empty);
    await db.put("k", 1, SYNC);
    await db.close();
  });

  it("refuses the end of the log cut off (10 bytes), naming the log and the entry", async () => {
    await cutTail(await newestLog(store), 10);
    const error = await expectCorrupt(store, path.basename(await newestLog(store)), "entry new:0019", "acknowledged");
    expect(error.file).to.equal(await newestLog(store));
  });

  it("refuses the end of the log cut off at a record boundary, naming what came before", async () => {
    const log = await newestLog(store);
    const { records, size } = scanLog(await readFile(log));
    await cutTail(log, size - records.at(-1)!.offset);
    await expectCorrupt(store, "watermark says acknowledged writes reach byte", "entry new:0018");
  });

  it("refuses one byte flipped in the log's last record", async () => {
    await flipByte(await newestLog(store), -3);
    await expectCorrupt(store, "fails its checksum", "entry new:0019");
  });

  it("refuses one byte flipped in a record followed by whole ones: damage, not a crash", async () => {
    const log = await newestLog(store);
    await flipByte(log, scanLog(await readFile(log)).records[1].offset + 30); // in the second record
    await expectCorrupt(store, "fails its checksum at byte", "Whole records follow it");
  });

  it("takes a write cut short past the watermark as a crash's (never acknowledged): LevelDB drops it", async () => {
    const log = await newestLog(store);
    const bytes = await readFile(log);
    await appendFile(log, bytes.subarray(0, 30)); // the start of a record, cut short
    const events: [string, Record<string, unknown>][] = [];
    const db = await open(store, (event, fields) => events.push([event, fields]));
    expect(await db.get("new:0019")).to.deep.include({ i: 19 });
    await db.close();
    expect(events.map(([e]) => e)).to.include("store.cut_write_dropped");
    expect(events.find(([e]) => e === "store.cut_write_dropped")![1]).to.include({ offset: bytes.length, bytes: 30 });
  });

  it("refuses a byte flipped in a table, naming the entries of the damaged block", async () => {
    const [table] = await tables(store);
    await flipByte(table, 100);
    await expectCorrupt(store, path.basename(table), "fails its checksum", "entry old:0000");
  });

  it("refuses a table cut short", async () => {
    const [table] = await tables(store);
    await cutTail(table, 1);
    await expectCorrupt(store, path.basename(table), "MANIFEST-");
  });

  it("refuses a missing table", async () => {
    const [table] = await tables(store);
    await unlink(table);
    await expectCorrupt(store, path.basename(table), "is missing", "entry old:0000");
  });

  it("refuses a store without CURRENT instead of starting an empty one over its tables", async () => {
    await unlink(path.join(store, "CURRENT"));
    await expectCorrupt(store, "CURRENT: is missing", "empty store");
  });

  it("refuses a damaged manifest", async () => {
    const manifest = path.join(store, (await readFile(path.join(store, "CURRENT"), "latin1")).trim());
    await flipByte(manifest, 20);
    await expectCorrupt(store, path.basename(manifest));
  });

  it("refuses when the log the manifest names is missing", async () => {
    await unlink(await newestLog(store));
    await expectCorrupt(store, "is missing");
  });

  it("refuses a damaged watermark", async () => {
    await writeFile(path.join(store, WATERMARK_FILE), Buffer.alloc(512, 7));
    await expectCorrupt(store, WATERMARK_FILE);
  });

  it("refuses a cut end when no watermark says it was unacknowledged", async () => {
    await unlink(path.join(store, WATERMARK_FILE));
    await cutTail(await newestLog(store), 10);
    await expectCorrupt(store, "no watermark");
  });

  it("refuses a store another process holds, before reading it as damaged", async () => {
    const db: DurableLevel<unknown> = await open(store);
    try {
      const error = await checkStore(store, describeKeys).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(StoreInUseError);
      expect((error as StoreInUseError).code).to.equal("ERR_STORE_IN_USE");
      const second = await open(store).then(() => undefined, (e: unknown) => e);
      expect((second as Error).message).to.contain("in use by another process");
    } finally {
      await db.close();
    }
  });
});
