// LevelDB's on-disk formats, read without LevelDB (which cannot open a store without
// rewriting it): the log format shared by `NNNNNN.log` and `MANIFEST-NNNNNN`
// (leveldb doc/log_format.md: 32 KiB blocks, 7-byte headers, masked CRC-32C), the write
// batches a log record holds (db/write_batch.cc), the version edits of the manifest
// (db/version_edit.cc) and tables (doc/table_format.md: blocks with a 5-byte trailer,
// an index block, a 48-byte footer). Versions as classic-level 3 builds them (LevelDB 1.20).
// Where LevelDB's own reader is lenient (it skips a damaged record and goes on), these
// readers report every departure from the format, with its byte offset: store-check.ts
// decides which are a torn write and which are damage.
import { crc32c, unmaskCrc } from "./crc32c.js";
import { snappyUncompress } from "./snappy.js";

export const LOG_BLOCK_SIZE = 32768;
const LOG_HEADER_SIZE = 7;
const FULL = 1, FIRST = 2, MIDDLE = 3, LAST = 4;

/** One logical record: the bytes a writer passed to AddRecord, from `offset` (its first header) to `end`. */
export type LogRecord = { offset: number; end: number; data: Uint8Array };

/**
 * A stretch of the file that is not a valid record. `cut`: it is a record the end of the
 * file cuts short (what a crash during a write leaves). `tail`: no whole record follows it.
 * `data`: the damaged record's bytes as found (unchecked), to say what it held.
 */
export type LogDamage = { offset: number; reason: string; cut: boolean; tail: boolean; data: Uint8Array };

export type LogScan = { size: number; records: LogRecord[]; damage: LogDamage[] };

const u32 = (b: Uint8Array, p: number) => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;

/** Every record of a log-format file, and every stretch that is not one. */
export function scanLog(bytes: Uint8Array): LogScan {
  const records: LogRecord[] = [];
  const damage: LogDamage[] = [];
  let pending: { offset: number; parts: Uint8Array[] } | undefined;
  const damaged = (offset: number, reason: string, data: Uint8Array, cut = false) => {
    const parts = pending ? [...pending.parts, data] : [data];
    damage.push({ offset: pending?.offset ?? offset, reason, cut, tail: false, data: concat(parts) });
    pending = undefined;
  };
  let p = 0;
  while (p < bytes.length) {
    const blockEnd = Math.min((Math.floor(p / LOG_BLOCK_SIZE) + 1) * LOG_BLOCK_SIZE, bytes.length);
    if (blockEnd - p < LOG_HEADER_SIZE) {
      // A block's last 1-6 bytes are a zero trailer; at the end of the file, a header cut short.
      if (blockEnd === bytes.length && blockEnd % LOG_BLOCK_SIZE !== 0) {
        damaged(p, "record header cut short by the end of the file", bytes.subarray(p), true);
      }
      p = blockEnd;
      continue;
    }
    const length = bytes[p + 4] | (bytes[p + 5] << 8);
    const type = bytes[p + 6];
    const dataStart = p + LOG_HEADER_SIZE;
    if (type === 0 && length === 0 && u32(bytes, p) === 0) {
      // Zeros where a record should be: preallocated space, or a region wiped.
      damaged(p, "zeros where a record should be", new Uint8Array(0));
      p = blockEnd;
      continue;
    }
    if (dataStart + length > blockEnd) {
      const cut = blockEnd === bytes.length && blockEnd % LOG_BLOCK_SIZE !== 0;
      damaged(p, cut ? "record cut short by the end of the file" : "record length runs past its block", bytes.subarray(dataStart, blockEnd), cut);
      p = blockEnd;
      continue;
    }
    const data = bytes.subarray(dataStart, dataStart + length);
    if (unmaskCrc(u32(bytes, p)) !== crc32c(bytes, p + 6, dataStart + length)) {
      damaged(p, "record fails its checksum", data);
      // LevelDB drops the rest of the block here. Reading on from where the record's own
      // length ends tells damage (whole records follow) from an end cut short.
      p = dataStart + length;
      continue;
    }
    const offset = p;
    p = dataStart + length;
    if (type === FULL) {
      if (pending) damaged(pending.offset, "fragmented record without its last part", new Uint8Array(0));
      records.push({ offset, end: p, data });
    } else if (type === FIRST) {
      if (pending) damaged(pending.offset, "fragmented record without its last part", new Uint8Array(0));
      pending = { offset, parts: [data] };
    } else if (type === MIDDLE || type === LAST) {
      if (!pending) {
        damaged(offset, "fragment without the start of its record", data);
        continue;
      }
      pending.parts.push(data);
      if (type === LAST) {
        records.push({ offset: pending.offset, end: p, data: concat(pending.parts) });
        pending = undefined;
      }
    } else {
      damaged(offset, `unknown record type ${type}`, data);
    }
  }
  if (pending) damaged(pending.offset, "record cut short by the end of the file (its last part is missing)", new Uint8Array(0), true);
  damage.sort((a, b) => a.offset - b.offset);
  const lastRecord = records.length ? records[records.length - 1].offset : -1;
  for (const d of damage) d.tail = d.offset > lastRecord;
  return { size: bytes.length, records, damage };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) out.set(x, (o += x.length) - x.length);
  return out;
}

/** A varint at `pos`: [value, next position], or undefined if the bytes end or it is too long. */
function varint(b: Uint8Array, pos: number, maxBytes = 10): [number, number] | undefined {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < maxBytes && pos < b.length; i++) {
    const byte = b[pos++];
    result += (byte & 0x7f) * mul;
    if ((byte & 0x80) === 0) return Number.isSafeInteger(result) ? [result, pos] : undefined;
    mul *= 128;
  }
  return undefined;
}

function lengthPrefixed(b: Uint8Array, pos: number): [Uint8Array, number] | undefined {
  const n = varint(b, pos, 5);
  if (!n || n[1] + n[0] > b.length) return undefined;
  return [b.subarray(n[1], n[1] + n[0]), n[1] + n[0]];
}

export type BatchOp = { type: "put" | "del"; key: Uint8Array; value?: Uint8Array };
/** A write batch: its first sequence number, its count, the operations that decode. */
export type WriteBatch = { sequence: number; count: number; ops: BatchOp[]; complete: boolean };

/**
 * Decodes a write batch (db/write_batch.cc: fixed64 sequence, fixed32 count, then per
 * operation a tag, 1 put or 0 delete, and length-prefixed key and value). `complete` is
 * false when the bytes end or go wrong first; the operations read so far are kept.
 */
export function decodeWriteBatch(data: Uint8Array): WriteBatch {
  if (data.length < 12) return { sequence: -1, count: -1, ops: [], complete: false };
  const sequence = u32(data, 0) + u32(data, 4) * 2 ** 32;
  const count = u32(data, 8);
  const ops: BatchOp[] = [];
  let p = 12;
  while (p < data.length) {
    const tag = data[p++];
    const key = lengthPrefixed(data, p);
    if ((tag !== 0 && tag !== 1) || !key) return { sequence, count, ops, complete: false };
    p = key[1];
    if (tag === 0) {
      ops.push({ type: "del", key: key[0] });
      continue;
    }
    const value = lengthPrefixed(data, p);
    if (!value) {
      ops.push({ type: "put", key: key[0] }); // the key survived, its value did not
      return { sequence, count, ops, complete: false };
    }
    p = value[1];
    ops.push({ type: "put", key: key[0], value: value[0] });
  }
  return { sequence, count, ops, complete: ops.length === count };
}

export type TableFile = { number: number; level: number; size: number; smallest: Uint8Array; largest: Uint8Array };

/** The state a manifest's version edits add up to (db/version_set.cc, VersionSet::Recover). */
export type ManifestState = {
  comparator?: string;
  logNumber: number;
  prevLogNumber: number;
  nextFileNumber: number;
  lastSequence: number;
  /** Live table files by number. */
  tables: Map<number, TableFile>;
};

/** Applies the version edits of a manifest's records; throws naming the record that does not decode. */
export function replayManifest(records: LogRecord[]): ManifestState {
  const state: ManifestState = { logNumber: 0, prevLogNumber: 0, nextFileNumber: 0, lastSequence: 0, tables: new Map() };
  for (const record of records) {
    const b = record.data;
    let p = 0;
    const fail = (what: string): never => {
      throw new Error(`version edit at byte ${record.offset}: ${what} does not decode`);
    };
    while (p < b.length) {
      const tag = varint(b, p, 5) ?? fail("tag");
      p = tag[1];
      const num = () => {
        const v = varint(b, p) ?? fail(`field of tag ${tag[0]}`);
        p = v[1];
        return v[0];
      };
      const slice = () => {
        const v = lengthPrefixed(b, p) ?? fail(`field of tag ${tag[0]}`);
        p = v[1];
        return v[0];
      };
      switch (tag[0]) {
        case 1: state.comparator = Buffer.from(slice()).toString("latin1"); break;
        case 2: state.logNumber = num(); break;
        case 3: state.nextFileNumber = num(); break;
        case 4: state.lastSequence = num(); break;
        case 5: num(); slice(); break; // compaction pointer: no bearing on which files live
        case 6: { num(); state.tables.delete(num()); break; }
        case 7: {
          const level = num(), number = num(), size = num();
          state.tables.set(number, { number, level, size, smallest: slice(), largest: slice() });
          break;
        }
        case 9: state.prevLogNumber = num(); break;
        default: fail(`tag ${tag[0]}`);
      }
    }
  }
  return state;
}

const TABLE_MAGIC_LO = 0x8b80fb57, TABLE_MAGIC_HI = 0xdb477524;
const FOOTER_SIZE = 48;
const BLOCK_TRAILER = 5;

type Handle = { offset: number; size: number };
export type TableEntry = { key: Uint8Array; value: Uint8Array };
/** What was wrong in a table, where, and which keys the damaged block held (as far as can be told). */
export type TableDamage = { offset: number; reason: string; keys: Uint8Array[]; after?: Uint8Array; upTo?: Uint8Array };

/** A block's contents after its checksum is checked and it is uncompressed; throws a reason otherwise. */
function readBlock(file: Uint8Array, h: Handle, counts?: TableCheck): Uint8Array {
  if (h.offset + h.size + BLOCK_TRAILER > file.length) throw new Error(`block [${h.offset}, +${h.size}] runs past the end of the file`);
  const end = h.offset + h.size;
  const type = file[end];
  if (unmaskCrc(u32(file, end + 1)) !== crc32c(file, h.offset, end + 1)) throw new Error("block fails its checksum");
  const contents = file.subarray(h.offset, end);
  if (counts) counts.blocks++;
  if (type === 0) return contents;
  if (counts) counts.compressed++;
  if (type === 1) return snappyUncompress(contents);
  throw new Error(`unknown block compression ${type}`);
}

/** The entries of a block (table/block.cc): prefix-compressed keys, then the restart array. */
function blockEntries(block: Uint8Array, lenient = false): TableEntry[] {
  if (block.length < 4) throw new Error("block too short");
  const restarts = u32(block, block.length - 4);
  const limit = block.length - 4 - 4 * restarts;
  if (restarts > (block.length - 4) / 4 || limit < 0) throw new Error("block's restart array does not fit");
  const entries: TableEntry[] = [];
  let key = new Uint8Array(0);
  let p = 0;
  while (p < limit) {
    const shared = varint(block, p, 5);
    const unshared = shared && varint(block, shared[1], 5);
    const valueLength = unshared && varint(block, unshared[1], 5);
    if (!shared || !unshared || !valueLength || shared[0] > key.length || valueLength[1] + unshared[0] + valueLength[0] > limit) {
      if (lenient) return entries;
      throw new Error(`block entry at ${p} does not decode`);
    }
    const next = new Uint8Array(shared[0] + unshared[0]);
    next.set(key.subarray(0, shared[0]));
    next.set(block.subarray(valueLength[1], valueLength[1] + unshared[0]), shared[0]);
    key = next;
    p = valueLength[1] + unshared[0];
    entries.push({ key, value: block.subarray(p, p + valueLength[0]) });
    p += valueLength[0];
  }
  return entries;
}

function handle(b: Uint8Array, pos: number): [Handle, number] {
  const offset = varint(b, pos);
  const size = offset && varint(b, offset[1]);
  if (!offset || !size) throw new Error("block handle does not decode");
  return [{ offset: offset[0], size: size[0] }, size[1]];
}

/** A table's check: the first damage found (if any), and how many blocks were read (data, index, meta), how many snappy-compressed. */
export type TableCheck = { damage?: TableDamage; blocks: number; compressed: number };

/**
 * Checks every block of a table (footer, index, meta blocks, data blocks: checksum,
 * compression, entry layout) and hands each data entry (internal key, value) to `visit`.
 */
export function checkTable(file: Uint8Array, visit?: (entry: TableEntry) => void): TableCheck {
  const counts: TableCheck = { blocks: 0, compressed: 0 };
  const damage = checkBlocks(file, counts, visit);
  return damage ? { ...counts, damage } : counts;
}

function checkBlocks(file: Uint8Array, counts: TableCheck, visit?: (entry: TableEntry) => void): TableDamage | undefined {
  if (file.length < FOOTER_SIZE) return { offset: 0, reason: `${file.length} bytes: shorter than a table's footer`, keys: [] };
  const footer = file.length - FOOTER_SIZE;
  if (u32(file, file.length - 8) !== TABLE_MAGIC_LO || u32(file, file.length - 4) !== TABLE_MAGIC_HI) {
    return { offset: footer, reason: "footer has no table magic number (end of the file cut or damaged)", keys: [] };
  }
  let index: TableEntry[];
  try {
    const [meta, next] = handle(file, footer);
    const [indexHandle] = handle(file, next);
    for (const entry of blockEntries(readBlock(file, meta, counts))) readBlock(file, handle(entry.value, 0)[0], counts);
    index = blockEntries(readBlock(file, indexHandle, counts));
  } catch (error) {
    return { offset: footer, reason: `index or meta blocks: ${(error as Error).message}`, keys: [] };
  }
  let previous: Uint8Array | undefined;
  for (const { key: separator, value } of index) {
    let h: Handle;
    try {
      h = handle(value, 0)[0];
    } catch (error) {
      return { offset: footer, reason: (error as Error).message, keys: [], after: previous, upTo: separator };
    }
    let entries: TableEntry[];
    try {
      entries = blockEntries(readBlock(file, h, counts));
    } catch (error) {
      // What the damaged block held: its entries as far as its raw bytes decode, and the range the index gives.
      let keys: Uint8Array[] = [];
      try {
        const end = Math.min(h.offset + h.size, file.length);
        const raw = file[end] === 1 ? snappyUncompress(file.subarray(h.offset, end)) : file.subarray(h.offset, end);
        keys = blockEntries(raw, true).map((e) => e.key);
      } catch {
        // nothing readable: the index's range still says where it was
      }
      return { offset: h.offset, reason: (error as Error).message, keys, after: previous, upTo: separator };
    }
    if (visit) for (const entry of entries) visit(entry);
    previous = separator;
  }
  return undefined;
}

/** An internal key's user key and kind (db/dbformat.h: user key, then fixed64 sequence << 8 | type). */
export function parseInternalKey(key: Uint8Array): { userKey: Uint8Array; sequence: number; type: "put" | "del" } | undefined {
  if (key.length < 8) return undefined;
  const at = key.length - 8;
  const sequence = (u32(key, at) >>> 8) + u32(key, at + 4) * 2 ** 24;
  return { userKey: key.subarray(0, at), sequence, type: key[at] === 1 ? "put" : "del" };
}
