// The LevelDB file readers (server/store/leveldb-files.ts) held to LevelDB itself: a store
// written by classic-level (fragmented log records, snappy-compressed tables, deletions,
// overwrites), read back with the readers alone, must give exactly what LevelDB gives.
import { expect } from "chai";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { checkTable, decodeWriteBatch, parseInternalKey, replayManifest, scanLog } from "../../../server/store/leveldb-files.js";
import { snappyUncompress, SnappyError } from "../../../server/store/snappy.js";

/** The store's content as the readers see it: latest sequence wins, deletions remove. */
async function readWithoutLevelDB(dir: string) {
  const latest = new Map<string, { sequence: number; value?: string }>();
  const apply = (key: string, sequence: number, value: string | undefined) => {
    const seen = latest.get(key);
    if (!seen || seen.sequence < sequence) latest.set(key, { sequence, value });
  };
  const manifestName = (await readFile(path.join(dir, "CURRENT"), "latin1")).trim();
  const manifestScan = scanLog(await readFile(path.join(dir, manifestName)));
  expect(manifestScan.damage).to.deep.equal([]);
  const manifest = replayManifest(manifestScan.records);
  let blocks = 0, compressed = 0;
  for (const table of manifest.tables.values()) {
    const check = checkTable(await readFile(path.join(dir, `${String(table.number).padStart(6, "0")}.ldb`)), ({ key, value }) => {
      const k = parseInternalKey(key)!;
      apply(Buffer.from(k.userKey).toString(), k.sequence, k.type === "put" ? Buffer.from(value).toString() : undefined);
    });
    expect(check.damage).to.equal(undefined);
    blocks += check.blocks;
    compressed += check.compressed;
  }
  const logs = (await readdir(dir)).filter((n) => /^\d+\.log$/.test(n) && Number(n.slice(0, 6)) >= manifest.logNumber);
  let records = 0;
  for (const log of logs) {
    const scan = scanLog(await readFile(path.join(dir, log)));
    expect(scan.damage).to.deep.equal([]);
    for (const record of scan.records) {
      const batch = decodeWriteBatch(record.data);
      expect(batch.complete).to.equal(true);
      batch.ops.forEach((op, i) => apply(Buffer.from(op.key).toString(), batch.sequence + i, op.value && Buffer.from(op.value).toString()));
      records++;
    }
  }
  const content = new Map([...latest].filter(([, v]) => v.value !== undefined).map(([k, v]) => [k, v.value!]));
  return { content, tables: manifest.tables.size, blocks, compressed, records };
}

describe("LevelDB's files read without LevelDB", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "urne-leveldb-files-"))));
  after(() => rm(dir, { recursive: true, force: true }));

  it("read back exactly what LevelDB holds: tables (compressed blocks) and logs (records across 32 KiB blocks)", async () => {
    const db = new Level<string, string>(dir);
    const wave = async (from: number, n: number) => {
      for (let i = from; i < from + n; i += 50) {
        await db.batch(Array.from({ length: 50 }, (_, j) => ({ type: "put" as const, key: `key:${String(i + j).padStart(6, "0")}`, value: `value ${i + j} `.repeat(20) })));
      }
    };
    await wave(0, 3000);
    await db.put("big", "x".repeat(100_000)); // one record over four log blocks: first, middles, last
    await db.del("key:000007");
    await db.put("key:000008", "overwritten");
    await db.close();
    await db.open(); // recovery writes the log into a table
    await wave(3000, 500);
    await db.del("key:003001");
    await db.put("big", "y".repeat(70_000));
    await db.close();

    const read = await readWithoutLevelDB(dir);
    expect(read.tables).to.be.greaterThan(0);
    expect(read.compressed, "some blocks were snappy-compressed").to.be.greaterThan(0);
    expect(read.records).to.be.greaterThan(0);
    await db.open();
    const expected = new Map<string, string>();
    for await (const [k, v] of db.iterator()) expected.set(k, v);
    await db.close();
    expect(read.content.size).to.equal(expected.size);
    expect([...read.content].sort()).to.deep.equal([...expected].sort());
  });
});

describe("snappy (raw format)", () => {
  it("decodes literals and overlapping copies", () => {
    // "abcd", then a copy of 8 bytes from 4 back (overlapping itself): "abcdabcdabcd".
    expect(Buffer.from(snappyUncompress(Uint8Array.from([12, 0x0c, 97, 98, 99, 100, 0x11, 4]))).toString()).to.equal("abcdabcdabcd");
  });

  it("refuses what is not a snappy block rather than guessing", () => {
    expect(() => snappyUncompress(Uint8Array.from([12, 0x0c, 97, 98]))).to.throw(SnappyError); // literal past the end
    expect(() => snappyUncompress(Uint8Array.from([12, 0x11, 4]))).to.throw(SnappyError); // copy before any byte
    expect(() => snappyUncompress(Uint8Array.from([5, 0x0c, 97, 98, 99, 100]))).to.throw(SnappyError); // longer than said
  });
});
