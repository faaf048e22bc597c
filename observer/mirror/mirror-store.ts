// The observer's own copy of the chain (docs/OBSERVERS.md §Mirror): block headers by
// height, the BallotBox logs of each block, the cursor, what each node was checked up to,
// and the contract's counters read at mirror time. LevelDB (`level`), JSON values; keys
// sort in block order (zero-padded heights). History is only ever appended: a block once
// written is never overwritten (PROTOCOL.md §9.1 C4), and a batch of blocks and the cursor
// are written together, so a crash resumes from the last complete batch.
import { existsSync } from "node:fs";
import { Level } from "level";
import type { BlockLog, BlockLogs } from "../../protocol/events.js";

/**
 * 3: every block's header hashed to its hash, and every block's receipts to its
 * receiptsRoot, before it was written (PROTOCOL.md §9.1 C6, C7): the logs and times are
 * the block's, not the node's word. 2: the same layout, every hex string of a stored log
 * (topics, data, transaction hash) in lower case, as the recount's fast path scans for
 * (recount/mirror-blocks.ts), but logs and times taken from the first node unchecked.
 * 1 (session-2 mirrors) kept the hex as the node gave it. `urne recount` reads all three
 * (1 on its general path); `urne observe` extends format 3 only.
 */
export const MIRROR_FORMAT = 3;
export const READABLE_MIRROR_FORMATS = [1, 2, 3];

export type MirrorMeta = { format: number; chainId: string; ballotBox: string };

/** What the mirror keeps of a block header (C2-C4 need the hashes, R2 the timestamp). */
export type StoredHeader = { number: number; hash: string; parentHash: string; timestamp: number };

/**
 * A block's BallotBox logs are kept as protocol/events.ts's BlockLogs (JSON), each log a
 * BlockLog: its block is the record's; `logIndex` counts every log of the block. The
 * recount's threads read them as these bytes (protocol/vote-check.node.ts checkRawBlocks).
 */
export type { BlockLog, BlockLogs };

/** `tally` and `votersCount` of a ballot as `eth_call` gave them at one mirrored block (R3). */
export type Counters = {
  ballotId: string; blockNumber: number; blockHash: string;
  /** Empty for a sealed ballot: the chain keeps no counts of it (PROTOCOL.md §11.9). */
  tally: string[];
  votersCount: string;
  /** A sealed ballot (the `sealing` view); absent in counters recorded before sealed ballots, and for a public one. */
  sealed?: true;
};

const pad = (n: number | bigint, width: number) => n.toString().padStart(width, "0");
const blockKey = (n: number) => `block:${pad(n, 12)}`;
const logsKey = (n: number) => `logs:${pad(n, 12)}`;
const nodeKey = (url: string) => `node:${url}`;
const countersKey = (ballotId: bigint) => `counters:${pad(ballotId, 78)}`;

export class MirrorStore {
  private constructor(private readonly db: Level<string, unknown>) {}

  /** `create` false: refuse a directory that holds no mirror rather than make an empty one. */
  static async open(dir: string, opts: { create?: boolean } = {}): Promise<MirrorStore> {
    // classic-level makes the directory before it finds no database in it.
    if (opts.create === false && !existsSync(dir)) throw new TypeError(`${dir} holds no mirror: run urne observe --once --data ${dir} first`);
    const db = new Level<string, unknown>(dir, { valueEncoding: "json" });
    try {
      await db.open({ createIfMissing: opts.create ?? true });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      // One process at a time: LevelDB locks its directory.
      if (cause?.code === "LEVEL_LOCKED") throw new TypeError(`${dir} is in use by another process (a running urne observe?): stop it, or recount with --rpc`);
      if (opts.create === false) throw new TypeError(`${dir} holds no mirror: run urne observe --once --data ${dir} first`);
      throw error;
    }
    return new MirrorStore(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async meta(): Promise<MirrorMeta | undefined> {
    return (await this.db.get("meta")) as MirrorMeta | undefined;
  }

  async setMeta(meta: MirrorMeta): Promise<void> {
    await this.db.put("meta", meta, { sync: true });
  }

  /** Highest mirrored height and its hash; undefined for an empty mirror. */
  async cursor(): Promise<{ number: number; hash: string } | undefined> {
    return (await this.db.get("cursor")) as { number: number; hash: string } | undefined;
  }

  async header(n: number): Promise<StoredHeader | undefined> {
    return (await this.db.get(blockKey(n))) as StoredHeader | undefined;
  }

  async headers(from: number, to: number): Promise<StoredHeader[]> {
    return (await this.db.values({ gte: blockKey(from), lte: blockKey(to) }).all()) as StoredHeader[];
  }

  /** Appends blocks that follow the cursor, their logs and counters, atomically. */
  async append(blocks: { header: StoredHeader; logs: BlockLog[] }[], counters: Counters[] = []): Promise<void> {
    if (blocks.length === 0) return;
    const cursor = await this.cursor();
    const first = blocks[0].header.number;
    if (first !== (cursor ? cursor.number + 1 : 0)) throw new Error(`mirror: block ${first} does not follow the cursor (${cursor?.number ?? "empty"})`);
    const batch = this.db.batch();
    for (const { header, logs } of blocks) {
      batch.put(blockKey(header.number), header);
      if (logs.length > 0) batch.put(logsKey(header.number), { number: header.number, hash: header.hash, timestamp: header.timestamp, logs } satisfies BlockLogs);
    }
    for (const c of counters) batch.put(countersKey(BigInt(c.ballotId)), c);
    const last = blocks.at(-1)!.header;
    batch.put("cursor", { number: last.number, hash: last.hash });
    await batch.write({ sync: true });
  }

  /** The BallotBox logs of blocks `from..to` (inclusive), by height; a height without logs is absent. */
  async logsOf(from: number, to: number): Promise<Map<number, BlockLog[]>> {
    const out = new Map<number, BlockLog[]>();
    for await (const block of this.db.values({ gte: logsKey(from), lte: logsKey(to) })) out.set((block as BlockLogs).number, (block as BlockLogs).logs);
    return out;
  }

  /** Blocks with BallotBox logs, in chain order, up to `to` (inclusive). */
  async *logs(to = Number.MAX_SAFE_INTEGER): AsyncGenerator<BlockLogs> {
    for await (const value of this.db.values({ gte: logsKey(0), lte: logsKey(to) })) yield value as BlockLogs;
  }

  /** The same blocks as `logs`, as the bytes LevelDB holds (JSON of a BlockLogs): parsed where they are used. */
  async *rawLogs(to = Number.MAX_SAFE_INTEGER): AsyncGenerator<Uint8Array> {
    for await (const value of this.db.values({ gte: logsKey(0), lte: logsKey(to), valueEncoding: "view" })) yield value as Uint8Array;
  }

  /** Highest height whose hash this node confirmed (C3/C4); -1 when never checked. */
  async nodeVerified(url: string): Promise<number> {
    return ((await this.db.get(nodeKey(url))) as { verified: number } | undefined)?.verified ?? -1;
  }

  async setNodeVerified(url: string, verified: number): Promise<void> {
    await this.db.put(nodeKey(url), { verified });
  }

  async counters(ballotId: bigint): Promise<Counters | undefined> {
    return (await this.db.get(countersKey(ballotId))) as Counters | undefined;
  }
}
