// Before a store is opened: is every byte LevelDB would recover whole? LevelDB cannot be
// asked without being opened, and opening rewrites the directory: it replays the log,
// silently drops a record that fails its checksum together with the rest of its 32 KiB
// block, writes what it kept to a new table and deletes the old log; with CURRENT missing
// it starts an empty store. So the files are read here, read-only, first:
// - CURRENT names a manifest that exists; every version edit of the manifest decodes;
// - every table the manifest names exists at its size, and every block of it (data,
//   index, filter, footer) passes its checksum and decodes;
// - every log LevelDB would replay is made of whole records, except possibly at the end
//   of the newest one: a write cut short by a crash, never acknowledged. Whether the end
//   was acknowledged is what the store's watermark says (durable-level.ts): the log and
//   the byte up to which every write was synced and acknowledged. A damaged end below it,
//   or a log shorter than it, is acknowledged data lost.
// Anything else refuses the start with StoreCorruptError, naming the file, the byte, and
// what the damaged record held (`describe`, the store's own reading of its keys).
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { checkTable, decodeWriteBatch, parseInternalKey, replayManifest, scanLog, type BatchOp, type LogDamage, type ManifestState } from "./leveldb-files.js";
import { readSlotFile } from "./slot-file.js";
import { StoreCorruptError, StoreInUseError } from "./store-errors.js";

/** A key (and its value when it could be read) of a store, as text. */
export type HeldEntry = { key: string; value?: string };
/** Names what entries held, in the store's own terms: "block 11", "29 ballots of ballot 7 (...)". "" if nothing useful. */
export type Describe = (entries: HeldEntry[]) => string;

/**
 * Every entry LevelDB will recover, as read before it is opened (tables, then logs in
 * order; a later sequence overrides an earlier one; `value` undefined: a deletion), for a
 * store that checks its own format before anything is rewritten (the chain journal).
 */
export type EntryVisitor = (entry: { key: string; value: string | undefined; sequence: number; file: string }) => void;

/** The store's watermark: every write up to byte `size` of log `log` was synced and acknowledged. */
export type Watermark = { log: number; size: number };
export const WATERMARK_FILE = "URNE-WATERMARK";

export type StoreCheck =
  /** No directory: a new store may be created. */
  | { state: "absent" }
  /** A directory with no LevelDB data (its creation stopped before the manifest): may be created. */
  | { state: "empty" }
  | {
      state: "existing";
      watermarkGeneration: number;
      /** The end of the newest log that LevelDB will drop: a write cut short, past the watermark. */
      droppedTail?: { file: string; offset: number; bytes: number; held: string; reason: string };
    };

const pad6 = (n: number) => String(n).padStart(6, "0");
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString("utf8"));
const entriesOf = (ops: BatchOp[]): HeldEntry[] => ops.map((op) => ({ key: text(op.key)!, value: text(op.value) }));

/** Checks the store at `location` without changing anything; throws StoreCorruptError or StoreInUseError. */
export async function checkStore(location: string, describe: Describe, onEntry?: EntryVisitor): Promise<StoreCheck> {
  let names: string[];
  try {
    if (!(await stat(location)).isDirectory()) throw new StoreCorruptError(location, location, "is not a directory", "", "");
    names = await readdir(location);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "absent" };
    throw error;
  }
  const file = (name: string) => path.join(location, name);
  const corrupt = (name: string, problem: string, held: string, consequence: string) =>
    new StoreCorruptError(location, file(name), problem, held, consequence);

  const hasData = names.some((n) => n === "CURRENT" || n === WATERMARK_FILE || n.startsWith("MANIFEST-") || /^\d+\.(log|ldb|sst)$/.test(n));
  if (!hasData) return { state: "empty" };
  if (await lockedByAnotherProcess(file("LOCK"))) throw new StoreInUseError(location, "stop the process that holds it first");

  // CURRENT → manifest → live tables and logs (db/version_set.cc, VersionSet::Recover).
  if (!names.includes("CURRENT")) {
    throw corrupt("CURRENT", "is missing", "", "LevelDB would start an empty store and delete the tables that are here.");
  }
  const current = (await readFile(file("CURRENT"), "latin1"));
  const manifestName = /^(MANIFEST-\d+)\n$/.exec(current)?.[1];
  if (!manifestName) throw corrupt("CURRENT", `does not name a manifest (${JSON.stringify(current.slice(0, 40))})`, "", "The store's list of files cannot be found.");
  if (!names.includes(manifestName)) throw corrupt(manifestName, "is missing (CURRENT names it)", "", "The store's list of files is gone.");
  const manifestScan = scanLog(await readFile(file(manifestName)));
  // A manifest edit cut short at the end is a crash while LevelDB wrote it: it never took
  // effect (it deletes files only after the edit is whole), and LevelDB ignores it too.
  const badEdit = manifestScan.damage.find((d) => !(d.tail && d.cut));
  if (badEdit) throw corrupt(manifestName, `${badEdit.reason} at byte ${badEdit.offset}`, "", "The store's list of files cannot be trusted.");
  let manifest: ManifestState;
  try {
    manifest = replayManifest(manifestScan.records);
  } catch (error) {
    throw corrupt(manifestName, (error as Error).message, "", "The store's list of files cannot be trusted.");
  }
  if (manifest.comparator !== undefined && manifest.comparator !== "leveldb.BytewiseComparator") {
    throw corrupt(manifestName, `names comparator ${manifest.comparator}`, "", "This is not a store urne wrote.");
  }

  const describeKeys = (keys: Uint8Array[]) => describe(keys.map((k) => ({ key: text(parseInternalKey(k)?.userKey ?? k)! })));
  for (const table of [...manifest.tables.values()].sort((a, b) => a.number - b.number)) {
    const name = [`${pad6(table.number)}.ldb`, `${pad6(table.number)}.sst`].find((n) => names.includes(n));
    const range = () => between(describeKeys([table.smallest]), describeKeys([table.largest]));
    if (!name) throw corrupt(`${pad6(table.number)}.ldb`, `is missing (${manifestName} lists it)`, range(), "What it held is lost.");
    const bytes = await readFile(file(name));
    if (bytes.length !== table.size) {
      throw corrupt(name, `is ${bytes.length} bytes, ${manifestName} says ${table.size}`, range(), "What it held cannot be read whole.");
    }
    const { damage } = checkTable(bytes, onEntry && (({ key, value }) => {
      const k = parseInternalKey(key);
      if (k) onEntry({ key: text(k.userKey)!, value: k.type === "put" ? text(value) : undefined, sequence: k.sequence, file: file(name) });
    }));
    if (damage) {
      const held = damage.keys.length ? describeKeys(damage.keys) : damage.upTo ? between(damage.after ? describeKeys([damage.after]) : "", describeKeys([damage.upTo])) : range();
      throw corrupt(name, `${damage.reason} at byte ${damage.offset}`, held, "Data written long ago (a table is written whole, then never changed) is damaged.");
    }
  }

  const watermark = await readSlotFile<Watermark>(file(WATERMARK_FILE));
  if (watermark.state === "damaged") throw corrupt(WATERMARK_FILE, watermark.reason, "", "Which writes were acknowledged cannot be told.");
  const mark = watermark.state === "ok" ? watermark.value : undefined;

  const logs = names
    .map((n) => /^(\d+)\.log$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .filter((n) => n >= manifest.logNumber || (manifest.prevLogNumber !== 0 && n === manifest.prevLogNumber))
    .sort((a, b) => a - b);
  // The manifest's log number is the log in use when it was last written: it is deleted
  // only once a later edit names a newer one. Missing, its writes are lost.
  if (manifest.logNumber !== 0 && !logs.includes(manifest.logNumber)) {
    throw corrupt(`${pad6(manifest.logNumber)}.log`, `is missing (${manifestName} names it as the log in use)`, "", "The writes it held are lost.");
  }
  if (mark && mark.log >= manifest.logNumber && !logs.includes(mark.log)) {
    throw corrupt(`${pad6(mark.log)}.log`, `is missing; the watermark says acknowledged writes reach its byte ${mark.size}`, "", "Acknowledged writes are lost.");
  }

  let droppedTail: Extract<StoreCheck, { state: "existing" }>["droppedTail"];
  for (const log of logs) {
    const name = `${pad6(log)}.log`;
    const scan = scanLog(await readFile(file(name)));
    const newest = log === logs[logs.length - 1];
    const acknowledgedTo = !mark || mark.log < log ? 0 : mark.log === log ? mark.size : Infinity;
    // What a damaged record held: its own entries as far as they read, else what came before it.
    const after = (offset: number) => {
      const before = scan.records.filter((r) => r.offset < offset).at(-1);
      return before ? `what was written after ${describe(entriesOf(decodeWriteBatch(before.data).ops)) || `the record at byte ${before.offset}`}` : "";
    };
    const heldBy = (d: LogDamage) => describe(entriesOf(decodeWriteBatch(d.data).ops)) || after(d.offset);
    for (const d of scan.damage) {
      // The end of the newest log, past every acknowledged write: a write cut short by a crash.
      if (newest && d.tail && mark && d.offset >= acknowledgedTo) {
        droppedTail = { file: file(name), offset: d.offset, bytes: scan.size - d.offset, held: heldBy(d), reason: d.reason };
        break;
      }
      const why = !d.tail || !newest
        ? `Whole records follow it${d.tail ? " (in a newer log)" : ""}: this is damage, not a write cut short by a crash, and LevelDB would drop what the damaged block held.`
        : !mark
          ? "This store has no watermark (written by urne before it kept one), so whether that write was acknowledged cannot be told."
          : "That write was acknowledged: LevelDB would drop it, and what it acknowledged would be lost.";
      throw corrupt(name, `${d.reason} at byte ${d.offset}`, heldBy(d), why);
    }
    if (onEntry) {
      for (const record of scan.records) {
        const batch = decodeWriteBatch(record.data);
        batch.ops.forEach((op, i) => onEntry({ key: text(op.key)!, value: text(op.value), sequence: batch.sequence + i, file: file(name) }));
      }
    }
    if (mark?.log === log && scan.size < mark.size) {
      throw corrupt(name, `ends at byte ${scan.size}, but the watermark says acknowledged writes reach byte ${mark.size}`, after(scan.size + 1), "The end of the log was cut off: acknowledged writes are lost.");
    }
  }
  return { state: "existing", watermarkGeneration: watermark.state === "ok" ? watermark.generation : 0, ...(droppedTail ? { droppedTail } : {}) };
}

function between(after: string, upTo: string): string {
  if (after && upTo && after !== upTo) return `entries from ${after} to ${upTo}`;
  return upTo || after;
}

/**
 * Whether another process holds LevelDB's lock on the store (a POSIX lock on LOCK, which
 * Linux lists in /proc/locks): a live store is being written, and its end is not damage.
 * Elsewhere (no /proc/locks) the open that follows the check still fails on the lock.
 */
async function lockedByAnotherProcess(lockFile: string): Promise<boolean> {
  let locks: string;
  let ino: bigint;
  try {
    ino = (await stat(lockFile, { bigint: true })).ino;
    locks = await readFile("/proc/locks", "utf8");
  } catch {
    return false;
  }
  return locks.split("\n").some((line) => {
    const m = /^\d+:\s+POSIX\s+\S+\s+WRITE\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    return m !== null && BigInt(m[2]) === ino;
  });
}
