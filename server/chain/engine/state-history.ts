// How long the state of a past block stays readable (docs/CHAIN.md §4.2): a block's trie
// writes delete the nodes it replaced (ethereumjs' node pruning), and this defers each
// deletion by `blocks` blocks, so that the state of the head and of the `blocks` blocks
// before it can still be read (eth_call, eth_getStorageAt... at a recent block, as a geth
// full node keeps its last 128 states). A node written again while its deletion waits is
// live again: the deletion is cancelled. Deletions waiting are kept on disk beside the
// nodes (the `pruned` sublevel of derived-store.ts, key = block number then node key), in
// the same batch as the block, so that a restart carries them on; and in memory here.
import type { NodeWrite } from "./trie-node-store.js";

/** geth's default (TriesInMemory): the head's state and the 128 before it are readable. */
export const STATE_HISTORY_BLOCKS = 128;

/** A write of the derived store's batch: to the node sublevel, or to the deferred-deletion sublevel. */
export type HistoryOp =
  | { to: "nodes"; type: "put"; key: Buffer; value: Uint8Array }
  | { to: "nodes"; type: "del"; key: Buffer }
  | { to: "pruned"; type: "put" | "del"; key: Buffer };

/** The key of a deferred deletion: the block that replaced the node (8 bytes, big-endian), then the node's key. */
export function prunedKey(block: number, node: Buffer): Buffer {
  const key = Buffer.alloc(8 + node.length);
  key.writeBigUInt64BE(BigInt(block));
  node.copy(key, 8);
  return key;
}

export function parsePrunedKey(key: Buffer): { block: number; node: Buffer } {
  return { block: Number(key.readBigUInt64BE(0)), node: key.subarray(8) };
}

export class StateHistory {
  /** Node key (hex) → the block whose writes replaced it. */
  readonly #due = new Map<string, number>();
  /** Block → the node keys (hex) it replaced that still wait. */
  readonly #byBlock = new Map<number, Set<string>>();

  constructor(readonly blocks: number) {
    if (!Number.isSafeInteger(blocks) || blocks < 0) throw new TypeError(`state history: ${blocks} is not a number of blocks`);
  }

  /** Carries on the deletions a previous run left waiting (the `pruned` sublevel's keys, in any order). */
  load(keys: Iterable<Buffer>): void {
    for (const key of keys) {
      const { block, node } = parsePrunedKey(key);
      this.#remember(node.toString("hex"), block);
    }
  }

  /** Deletions waiting (tests, logs). */
  get waiting(): number {
    return this.#due.size;
  }

  /**
   * The writes that record block `block`'s trie writes with deferred deletions: its new
   * nodes written (a waiting deletion of one cancelled), the nodes it replaced put on the
   * waiting list, and the deletions of block `block - blocks` carried out. Nothing changes
   * here until `applied` is called with the same arguments (after the batch is written).
   */
  plan(block: number, writes: NodeWrite[]): HistoryOp[] {
    const ops: HistoryOp[] = [];
    const touched = new Set<string>();
    for (const w of writes) {
      const hex = w.key.toString("hex");
      touched.add(hex);
      const waitingSince = this.#due.get(hex);
      if (w.type === "put") {
        ops.push({ to: "nodes", type: "put", key: w.key, value: w.value });
        if (waitingSince !== undefined) ops.push({ to: "pruned", type: "del", key: prunedKey(waitingSince, w.key) });
      } else if (this.blocks === 0) {
        ops.push({ to: "nodes", type: "del", key: w.key });
        if (waitingSince !== undefined) ops.push({ to: "pruned", type: "del", key: prunedKey(waitingSince, w.key) });
      } else {
        if (waitingSince !== undefined && waitingSince !== block) ops.push({ to: "pruned", type: "del", key: prunedKey(waitingSince, w.key) });
        ops.push({ to: "pruned", type: "put", key: prunedKey(block, w.key) });
      }
    }
    // A node this block wrote again, or replaced again, is not deleted now.
    for (const hex of this.#byBlock.get(block - this.blocks) ?? []) {
      if (touched.has(hex)) continue;
      const node = Buffer.from(hex, "hex");
      ops.push({ to: "nodes", type: "del", key: node });
      ops.push({ to: "pruned", type: "del", key: prunedKey(block - this.blocks, node) });
    }
    return ops;
  }

  /** Records what `plan(block, writes)` wrote. */
  applied(block: number, writes: NodeWrite[]): void {
    for (const w of writes) {
      const hex = w.key.toString("hex");
      this.#forget(hex);
      if (w.type === "del" && this.blocks > 0) this.#remember(hex, block);
    }
    if (this.blocks === 0) return;
    const expired = block - this.blocks;
    for (const hex of this.#byBlock.get(expired) ?? []) this.#due.delete(hex);
    this.#byBlock.delete(expired);
  }

  /** Empties the list (the store was emptied for a rebuild). */
  clear(): void {
    this.#due.clear();
    this.#byBlock.clear();
  }

  #remember(hex: string, block: number): void {
    this.#forget(hex);
    this.#due.set(hex, block);
    let set = this.#byBlock.get(block);
    if (!set) this.#byBlock.set(block, (set = new Set()));
    set.add(hex);
  }

  #forget(hex: string): void {
    const block = this.#due.get(hex);
    if (block === undefined) return;
    this.#due.delete(hex);
    const set = this.#byBlock.get(block);
    set?.delete(hex);
    if (set?.size === 0) this.#byBlock.delete(block);
  }
}
