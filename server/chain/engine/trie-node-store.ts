// Where ethereumjs' state trie keeps its nodes (and contract code) on disk: a LevelDB
// sublevel of the derived store (derived-store.ts), seen by ethereumjs through its public
// `DB` interface. Writes are held here and leave together with the block that made them
// (takeWrites, one LevelDB batch per block with the block's index entries and the new
// head): the store on disk always holds the state of the head it names, never half a block.
import type { BatchDBOp, DB } from "@ethereumjs/util";

/** What it reads of the LevelDB sublevel holding the nodes: binary keys (hash, or ethereumjs' prefix + hash) and values. */
export type NodeLevel = { get(key: Buffer): Promise<Uint8Array | undefined> };

export type NodeWrite = { type: "put"; key: Buffer; value: Uint8Array } | { type: "del"; key: Buffer };

type Value = string | Uint8Array;

export class TrieNodeStore implements DB<string, Value> {
  /** Writes not yet in LevelDB: key (hex, as ethereumjs gives it) → value, or null for a deletion. */
  readonly #pending = new Map<string, Uint8Array | null>();

  constructor(private readonly level: NodeLevel) {}

  async get(key: string): Promise<Value | undefined> {
    // A node deleted by a block being built is still a node of the states before it, which
    // stay readable (state-history.ts): only a write held here shadows the level.
    const held = this.#pending.get(key);
    if (held) return held;
    return (await this.level.get(Buffer.from(key, "hex"))) ?? undefined;
  }

  async put(key: string, value: Value): Promise<void> {
    this.#pending.set(key, bytesOf(value));
  }

  async del(key: string): Promise<void> {
    this.#pending.set(key, null);
  }

  async batch(ops: BatchDBOp<string, Value>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") this.#pending.set(op.key, bytesOf(op.value));
      else this.#pending.set(op.key, null);
    }
  }

  /**
   * The writes held since the last call, forgotten here: the caller must have them in the
   * level before anything reads the trie again.
   */
  takeWrites(): NodeWrite[] {
    const writes: NodeWrite[] = [];
    for (const [key, value] of this.#pending) {
      writes.push(value === null ? { type: "del", key: Buffer.from(key, "hex") } : { type: "put", key: Buffer.from(key, "hex"), value });
    }
    this.#pending.clear();
    return writes;
  }

  /** Forgets the writes held (a block refused): the level still holds the state before them. */
  dropWrites(): void {
    this.#pending.clear();
  }

  get pendingWrites(): number {
    return this.#pending.size;
  }

  shallowCopy(): DB<string, Value> {
    return this;
  }

  async open(): Promise<void> {}
}

function bytesOf(value: Value): Uint8Array {
  if (typeof value === "string") throw new TypeError("the state trie must be opened with valueEncoding 'view' (bytes)");
  return value;
}

/** The level of an engine kept in memory only (tests, benches): a map. */
export class MemoryNodeLevel implements NodeLevel {
  readonly #map = new Map<string, Uint8Array>();

  async get(key: Buffer): Promise<Uint8Array | undefined> {
    return this.#map.get(key.toString("hex"));
  }

  apply(writes: NodeWrite[]): void {
    for (const w of writes) {
      if (w.type === "put") this.#map.set(w.key.toString("hex"), w.value);
      else this.#map.delete(w.key.toString("hex"));
    }
  }

  get size(): number {
    return this.#map.size;
  }
}
