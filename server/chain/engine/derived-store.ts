// The chain's derived store, <data>/chain-state: everything the ethereumjs engine built from
// the journal and keeps so that a restart need not build it again. The journal stays the only
// truth (docs/CHAIN.md §2): this store can be deleted at any time and is rebuilt from it.
//
// Layout (LevelDB, `level` 10, opened through server/store/durable-level.ts like every store:
// its files are checked before LevelDB may rewrite them, and it is never created over an
// existing directory's tables):
//   meta                 {format, genesisHash}: which chain, which layout
//   head                 {number, hash}: the last block whose state, header and index are all here
//   header:<n 12 digits> the block header, RLP hex
//   receipts:<n>         the block's receipts, JSON (StoredReceipt[])
//   tx:<hash>            "<block>:<index>"
//   hash:<block hash>    the block's number
//   !nodes! sublevel     the state trie's nodes and contract code (trie-node-store.ts), binary
//   !pruned! sublevel    the nodes a block replaced whose deletion waits (state-history.ts):
//                        <block, 8 bytes big-endian><node key>, no value
// One LevelDB batch per block holds the block's nodes, its index entries and the new head,
// so the store always holds the state of the head it names. Writes are not synced: a crash
// may lose the last blocks' batches, which the next start executes again from the journal.
import { rm } from "node:fs/promises";
import { openStore, type DurableLevel } from "../../store/durable-level.js";
import type { HeldEntry } from "../../store/store-check.js";
import { StateHistory, STATE_HISTORY_BLOCKS } from "./state-history.js";
import type { NodeWrite } from "./trie-node-store.js";

export const DERIVED_FORMAT = 1;

export type DerivedHead = { number: number; hash: string };

/** A transaction's receipt as urne reads it back (eth_getTransactionReceipt, eth_getLogs). */
export type StoredReceipt = {
  hash: string;
  from: string;
  type: number;
  status: 0 | 1;
  gasUsed: string;
  cumulativeGasUsed: string;
  effectiveGasPrice: string;
  contractAddress: string | null;
  /** [address, topics, data], in order. */
  logs: [string, string[], string][];
};

export type DerivedBlock = { number: number; hash: string; headerRlp: string; receipts: StoredReceipt[] };

const pad = (n: number) => String(n).padStart(12, "0");
const HEADER = "header:";
const HEADER_END = "header;";

/** Names what damaged entries held, for store-check.ts. */
function describeDerivedKeys(entries: HeldEntry[]): string {
  const blocks = entries.map((e) => /^(?:header|receipts):(\d{12})$/.exec(e.key)?.[1]).filter((n) => n !== undefined).map(Number);
  const nodes = entries.filter((e) => e.key.startsWith("!nodes!") || e.key.startsWith("!pruned!")).length;
  const parts = [];
  if (blocks.length > 0) parts.push(`derived data of blocks ${Math.min(...blocks)} to ${Math.max(...blocks)}`);
  if (nodes > 0) parts.push(`${nodes} state trie nodes`);
  return parts.join(" and ");
}

export class DerivedStore {
  /** The sublevel of trie nodes and code, for TrieNodeStore and the trie checks. */
  readonly nodes;
  /** The deferred deletions of replaced nodes (state-history.ts). */
  readonly #pruned;

  private constructor(
    private readonly db: DurableLevel<string>,
    readonly location: string,
    readonly history: StateHistory,
  ) {
    this.nodes = db.sublevel<Buffer, Uint8Array>("nodes", { keyEncoding: "buffer", valueEncoding: "view" });
    this.#pruned = db.sublevel<Buffer, string>("pruned", { keyEncoding: "buffer", valueEncoding: "utf8" });
  }

  /**
   * Opens the store at `location`, or creates it. A store whose files are damaged
   * (ERR_STORE_CORRUPT) is deleted and created empty: it is derived, and the caller
   * rebuilds it from the journal (`rebuilt` says why). A store another process holds
   * (ERR_STORE_IN_USE) is refused, as every store.
   */
  static async open(location: string, opts: { genesisHash: string; stateHistory?: number; log?: (event: string, fields: Record<string, unknown>) => void }): Promise<{ store: DerivedStore; rebuilt?: string }> {
    const history = new StateHistory(opts.stateHistory ?? STATE_HISTORY_BLOCKS);
    const open = () => openStore<string>(location, { name: "chain state", describe: describeDerivedKeys, valueEncoding: "utf8", log: opts.log, inUseHint: "is urne already running on this data dir?" });
    let db: DurableLevel<string>;
    let rebuilt: string | undefined;
    try {
      db = await open();
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_STORE_CORRUPT") throw error;
      const { file, problem } = error as { file: string; problem: string };
      rebuilt = `its files are damaged (${file}: ${problem})`;
      await rm(location, { recursive: true, force: true });
      db = await open();
    }
    let store = new DerivedStore(db, location, history);
    const meta = await db.get("meta");
    const expected = JSON.stringify({ format: DERIVED_FORMAT, genesisHash: opts.genesisHash });
    if (meta !== undefined && meta !== expected) {
      rebuilt = `it was built for ${meta}, not ${expected}`;
      store = await store.#recreate();
    }
    if (meta === undefined || rebuilt) await store.db.put("meta", expected);
    const waiting: Buffer[] = [];
    for await (const key of store.#pruned.keys()) waiting.push(key);
    history.load(waiting);
    return { store, ...(rebuilt ? { rebuilt } : {}) };
  }

  /** Deletes everything and starts empty (its meta written again by the caller's open). */
  async #recreate(): Promise<DerivedStore> {
    await this.db.close();
    await rm(this.location, { recursive: true, force: true });
    const db = await openStore<string>(this.location, { name: "chain state", describe: describeDerivedKeys, valueEncoding: "utf8", inUseHint: "is urne already running on this data dir?" });
    this.history.clear();
    return new DerivedStore(db, this.location, this.history);
  }

  /** Empties the store for a rebuild from the genesis (its meta kept). */
  async reset(genesisHash: string): Promise<DerivedStore> {
    const store = await this.#recreate();
    await store.db.put("meta", JSON.stringify({ format: DERIVED_FORMAT, genesisHash }));
    return store;
  }

  async head(): Promise<DerivedHead | undefined> {
    const text = await this.db.get("head");
    return text === undefined ? undefined : (JSON.parse(text) as DerivedHead);
  }

  async headerRlp(n: number): Promise<string | undefined> {
    return this.db.get(HEADER + pad(n));
  }

  /** Header RLPs from block `from` on, in order. */
  async *headers(from: number): AsyncGenerator<[number, string]> {
    for await (const [key, value] of this.db.iterator({ gte: HEADER + pad(from), lt: HEADER_END })) yield [Number(key.slice(HEADER.length)), value];
  }

  async receipts(n: number): Promise<StoredReceipt[] | undefined> {
    const text = await this.db.get(`receipts:${pad(n)}`);
    return text === undefined ? undefined : (JSON.parse(text) as StoredReceipt[]);
  }

  async txLocation(hash: string): Promise<{ block: number; index: number } | undefined> {
    const text = await this.db.get(`tx:${hash}`);
    if (text === undefined) return undefined;
    const [block, index] = text.split(":").map(Number);
    return { block, index };
  }

  /** The number of the block with hash `hash`, if it is one of this chain's. */
  async blockNumberOf(hash: string): Promise<number | undefined> {
    const text = await this.db.get(`hash:${hash}`);
    return text === undefined ? undefined : Number(text);
  }

  /**
   * Writes `block`, the trie writes that built its state and the new head, in one batch; the
   * nodes the block replaced are deleted `history.blocks` blocks later (state-history.ts).
   */
  async commitBlock(block: DerivedBlock, nodeWrites: NodeWrite[]): Promise<void> {
    const ops: object[] = [];
    for (const op of this.history.plan(block.number, nodeWrites)) {
      const sublevel = op.to === "nodes" ? this.nodes : this.#pruned;
      ops.push(op.type === "put" ? { type: "put", sublevel, key: op.key, value: op.to === "nodes" ? op.value : "" } : { type: "del", sublevel, key: op.key });
    }
    ops.push({ type: "put", key: HEADER + pad(block.number), value: block.headerRlp });
    ops.push({ type: "put", key: `receipts:${pad(block.number)}`, value: JSON.stringify(block.receipts) });
    for (const [i, r] of block.receipts.entries()) ops.push({ type: "put", key: `tx:${r.hash}`, value: `${block.number}:${i}` });
    ops.push({ type: "put", key: `hash:${block.hash}`, value: String(block.number) });
    ops.push({ type: "put", key: "head", value: JSON.stringify({ number: block.number, hash: block.hash }) });
    await this.db.batch(ops as never);
    this.history.applied(block.number, nodeWrites);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
