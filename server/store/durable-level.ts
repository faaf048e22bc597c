// Every LevelDB store of urne (the chain's journal, the relay's journal, the API's store) is
// opened here and written through here (docs/OPERATIONS.md §3.1):
// - opened only after store-check.ts found every byte LevelDB would recover whole, and
//   with createIfMissing only when there is no store yet (a store without CURRENT is
//   refused, never started afresh over its tables);
// - written one group at a time: writes that arrive while one is under way go together in
//   the next (group commit, as LevelDB does inside), and after each synced group the
//   store's watermark records the log and the byte its acknowledged writes reach. At the
//   next start a damaged end of the log below that byte is acknowledged data lost, and the
//   start is refused; above it, a write a crash cut short, which LevelDB drops. The
//   watermark is written after the group's fsync and is not itself fsynced: after a power
//   cut it can only be behind the log, which can let a cut-short end pass, never refuse a
//   sound one;
// - a write that fails (a full disk, an I/O error) fails the store for the life of the
//   process: LevelDB's log may now end in a partial record its writer has lost step with,
//   and a later write would land where recovery cannot read it (acknowledged, then lost at
//   the next start). Every later write is refused with StoreUnavailableError (a 503) and
//   `health()` says why, until a restart reopens it.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Level } from "level";
import { ensurePrivateDir } from "../config/private-file.js";
import { SlotFile } from "./slot-file.js";
import { checkStore, WATERMARK_FILE, type Describe, type EntryVisitor, type Watermark } from "./store-check.js";
import { StoreInUseError, StoreUnavailableError } from "./store-errors.js";

/** An operation as abstract-level hands it to an implementation: key and value already encoded. */
type PrivateOp = { type: "put" | "del"; key: unknown; value?: unknown };
type Waiting = { ops: PrivateOp[]; sync: boolean; resolve: () => void; reject: (e: unknown) => void };
type Impl = {
  _batch(this: unknown, ops: PrivateOp[], options: { sync: boolean }): Promise<void>;
  _close(this: unknown): Promise<void>;
};
const classic = Level.prototype as unknown as Impl;

export type StoreHealth = { ok: true } | { ok: false; error: string };

export class DurableLevel<V> extends Level<string, V> {
  /** How logs and errors name it: "chain journal", "relay journal", "API store". */
  storeName = "store";
  onFailure: (error: StoreUnavailableError) => void = () => {};
  #queue: Waiting[] = [];
  #writing: Promise<void> | undefined;
  #failure: StoreUnavailableError | undefined;
  #mark: SlotFile<Watermark> | undefined;

  /** ok, or why nothing more is written (the first failed write's error). */
  health(): StoreHealth {
    return this.#failure ? { ok: false, error: this.#failure.reason } : { ok: true };
  }

  get failure(): StoreUnavailableError | undefined {
    return this.#failure;
  }

  // abstract-level's implementation interface: every put, del and array batch of this
  // database and of its sublevels reaches the root through one of these, encoded.
  async _put(key: unknown, value: unknown, options: { sync?: boolean }): Promise<void> {
    return this.#commit([{ type: "put", key, value }], options.sync === true);
  }

  async _del(key: unknown, options: { sync?: boolean }): Promise<void> {
    return this.#commit([{ type: "del", key }], options.sync === true);
  }

  async _batch(ops: PrivateOp[], options: { sync?: boolean }): Promise<void> {
    return this.#commit(ops.map(({ type, key, value }) => ({ type, key, value })), options.sync === true);
  }

  /** Chained batches and clear() write past the queue and the watermark: urne uses neither. */
  _chainedBatch(): never {
    throw new TypeError(`${this.storeName}: use batch([...]), not a chained batch`);
  }

  async _clear(): Promise<never> {
    throw new TypeError(`${this.storeName}: clear() is not supported`);
  }

  async _close(): Promise<void> {
    while (this.#writing) await this.#writing;
    await this.#mark?.close();
    this.#mark = undefined;
    return classic._close.call(this);
  }

  /** Starts the watermark once the store is open: the newest log and its size (no write yet). */
  async startWatermark(generation: number): Promise<void> {
    this.#mark = await SlotFile.open<Watermark>(path.join(this.location, WATERMARK_FILE), generation);
    await this.#advanceWatermark();
  }

  #commit(ops: PrivateOp[], sync: boolean): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops, sync, resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#writing) return;
    this.#writing = this.#flush().finally(() => {
      this.#writing = undefined;
      if (this.#queue.length > 0) this.#kick(); // queued between the loop's end and now
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0);
      if (this.#failure) {
        for (const w of group) w.reject(this.#failure);
        continue;
      }
      const sync = group.some((w) => w.sync);
      try {
        await classic._batch.call(this, group.length === 1 ? group[0].ops : group.flatMap((w) => w.ops), { sync });
        if (sync) await this.#advanceWatermark();
      } catch (error) {
        this.#failure = new StoreUnavailableError(this.storeName, systemReason(error), error);
        this.onFailure(this.#failure);
        for (const w of group) w.reject(this.#failure);
        continue;
      }
      for (const w of group) w.resolve();
    }
  }

  /** Records the newest log's size: every byte of it is synced, and no other write is under way. */
  async #advanceWatermark(): Promise<void> {
    if (!this.#mark) return;
    const logs = (await readdir(this.location)).map((n) => /^(\d+)\.log$/.exec(n)?.[1]).filter((n) => n !== undefined).map(Number);
    if (logs.length === 0) return;
    const log = Math.max(...logs);
    const { size } = await stat(path.join(this.location, `${String(log).padStart(6, "0")}.log`));
    await this.#mark.write({ log, size });
  }
}

/** "IO error: /data/relay/000005.log: No space left on device" → "No space left on device": no path leaves the process. */
function systemReason(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  return message.split(": ").at(-1)!.trim() || message;
}

export type OpenStoreOptions = {
  /** "chain journal", "relay journal", "API store". */
  name: string;
  describe: Describe;
  valueEncoding: "json" | "utf8";
  /** What to tell an operator whose store another process holds. */
  inUseHint: string;
  /**
   * The store's own check of its entries, before anything is rewritten: `entry` sees every
   * entry LevelDB will recover, `done` runs after the last; either throws to refuse the open.
   */
  inspect?: { entry: EntryVisitor; done(): void };
  log?: (event: string, fields: Record<string, unknown>) => void;
};

/**
 * Checks the store at `location` (store-check.ts; refuses damage without changing a byte),
 * then opens it, creating it only if there is none. The directory is made the owner's only.
 */
export async function openStore<V>(location: string, opts: OpenStoreOptions): Promise<DurableLevel<V>> {
  const check = await checkStore(location, opts.describe, opts.inspect?.entry);
  if (check.state === "existing") opts.inspect?.done();
  // LevelDB would create it 0755 (its files 0644): the owner's only, even if it existed.
  await ensurePrivateDir(location);
  const db = new DurableLevel<V>(location, { valueEncoding: opts.valueEncoding, createIfMissing: check.state !== "existing" } as never);
  db.storeName = opts.name;
  try {
    await db.open();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") throw new StoreInUseError(location, opts.inUseHint);
    throw error;
  }
  if (check.state === "existing" && check.droppedTail) {
    const t = check.droppedTail;
    opts.log?.("store.cut_write_dropped", { store: opts.name, file: t.file, offset: t.offset, bytes: t.bytes, reason: t.reason, held: t.held });
  }
  try {
    await db.startWatermark(check.state === "existing" ? check.watermarkGeneration : 0);
  } catch (error) {
    await db.close();
    throw error;
  }
  db.onFailure = (e) => opts.log?.("store.write_failed", { store: opts.name, location, error: String((e.cause as Error)?.message ?? e.reason) });
  return db;
}
