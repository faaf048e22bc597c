// urne seals its own blocks: EDR never mines by itself (evm.ts). Every interval, if
// transactions wait, the sealer mines one block with a timestamp and prevrandao it
// chooses by rule, journals it (fsync), and only then lets anyone see it. Every access
// to the EVM (reads, submissions, sealing) goes through one mutex for that reason.
import { EventEmitter } from "node:events";
import { keccak256 } from "ethers";
import type { Evm } from "./evm.js";
import type { BlockRecord, Journal } from "./journal.js";
import type { Mutex } from "./mutex.js";
import { RpcError, RPC_INVALID_PARAMS } from "./rpc-error.js";

/** The last final block, as the sealer builds on it. */
export type ChainHead = { number: number; hash: string; timestamp: number };

export type SealerOptions = {
  intervalMs: number;
  /** Called once if the chain cannot go on safely (a journal write failed); must stop the process. */
  onFatal: (error: Error) => void;
  /** Milliseconds since the epoch; tests may pin it. */
  now?: () => number;
};

/** A transaction larger than this is refused at the door (geth refuses above 128 KiB too). */
const MAX_RAW_TX_BYTES = 128 * 1024;

/** The rule every sealed and every replayed block follows (docs/CHAIN.md §Sealing). */
export const prevRandaoFor = (parentHash: string) => keccak256(parentHash);
export const timestampFor = (nowMs: number, parent: ChainHead) => Math.max(Math.floor(nowMs / 1000), parent.timestamp);

type PendingTx = { raw: string; from: string; nonce: number };
type RpcBlock = { number: string; hash: string; parentHash: string; timestamp: string; transactions: string[] };

export class Sealer extends EventEmitter<{ block: [BlockRecord] }> {
  /** Transactions received and not yet in a block, by hash (keccak256(raw) = hash). */
  readonly #pending = new Map<string, PendingTx>();
  /** Per sender (lowercase): waiting nonce → how many waiting txs use it (replacements). */
  readonly #nonces = new Map<string, Map<number, number>>();
  /** Something arrived (or a block was full) since the last seal: try another block. */
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #stopped = true;
  #head: ChainHead;

  constructor(
    private readonly evm: Evm,
    private readonly journal: Journal,
    private readonly mutex: Mutex,
    head: ChainHead,
    private readonly opts: SealerOptions,
  ) {
    super();
    this.#head = head;
  }

  get head(): ChainHead {
    return this.#head;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** A read-only JSON-RPC call; it sees final (journaled) blocks only. */
  read(method: string, params: unknown[]): Promise<unknown> {
    return this.mutex.run(() => this.evm.request({ method, params }));
  }

  /** eth_sendRawTransaction: into the mempool; final once a journaled block includes it. */
  submit(raw: unknown): Promise<string> {
    if (typeof raw !== "string" || !/^0x([0-9a-fA-F]{2})+$/.test(raw)) {
      return Promise.reject(new RpcError(RPC_INVALID_PARAMS, "raw transaction must be 0x-prefixed hex bytes"));
    }
    if ((raw.length - 2) / 2 > MAX_RAW_TX_BYTES) {
      return Promise.reject(new RpcError(RPC_INVALID_PARAMS, `raw transaction larger than ${MAX_RAW_TX_BYTES} bytes`));
    }
    return this.mutex.run(async () => {
      const hash = (await this.evm.request({ method: "eth_sendRawTransaction", params: [raw] })) as string;
      // The journal stores raw bytes and maps block hashes back to them: they must agree.
      if (hash !== keccak256(raw)) throw new Error(`EVM answered tx hash ${hash} for raw tx with hash ${keccak256(raw)}`);
      // Sender and nonce, already recovered by the EVM (a lookup, not a second ecrecover).
      const tx = (await this.evm.request({ method: "eth_getTransactionByHash", params: [hash] })) as { from: string; nonce: string };
      this.#remember(hash, { raw: raw.toLowerCase(), from: tx.from.toLowerCase(), nonce: Number(tx.nonce) });
      this.#dirty = true;
      return hash;
    });
  }

  /**
   * eth_getTransactionCount(address, "pending"): the final nonce, plus the transactions
   * from `address` waiting in a row after it, as geth counts (see block-tags.ts for why we
   * do not ask the EVM).
   */
  pendingNonce(address: unknown): Promise<string> {
    return this.mutex.run(async () => {
      let nonce = Number(await this.evm.request({ method: "eth_getTransactionCount", params: [address, "latest"] }));
      const waiting = this.#nonces.get(String(address).toLowerCase());
      while (waiting?.has(nonce)) nonce++;
      return `0x${nonce.toString(16)}`;
    });
  }

  #remember(hash: string, tx: PendingTx) {
    this.#pending.set(hash, tx);
    let nonces = this.#nonces.get(tx.from);
    if (!nonces) this.#nonces.set(tx.from, (nonces = new Map()));
    nonces.set(tx.nonce, (nonces.get(tx.nonce) ?? 0) + 1);
  }

  #forget(hash: string) {
    const tx = this.#pending.get(hash);
    if (!tx) return;
    this.#pending.delete(hash);
    const nonces = this.#nonces.get(tx.from)!;
    const left = nonces.get(tx.nonce)! - 1;
    if (left > 0) nonces.set(tx.nonce, left);
    else nonces.delete(tx.nonce);
    if (nonces.size === 0) this.#nonces.delete(tx.from);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops sealing; waits for a block being sealed to be journaled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
  }

  /** Seals blocks until no transaction waits (tests and startup use it; the timer too). */
  async sealPending(): Promise<BlockRecord[]> {
    const sealed: BlockRecord[] = [];
    while (this.#dirty && !this.mutex.poisoned) {
      // One block per turn of the mutex: readers and submitters get in between blocks.
      const block = await this.mutex.run(() => this.#sealOne());
      sealed.push(block);
      this.emit("block", block);
    }
    return sealed;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.sealPending().then(
        () => this.#schedule(),
        () => {}, // #sealOne already reported it through onFatal
      );
    }, this.opts.intervalMs);
  }

  async #sealOne(): Promise<BlockRecord> {
    const parent = this.#head;
    try {
      const timestamp = timestampFor((this.opts.now ?? Date.now)(), parent);
      const prevRandao = prevRandaoFor(parent.hash);
      await this.evm.request({ method: "hardhat_setPrevRandao", params: [prevRandao] });
      await this.evm.request({ method: "evm_mine", params: [timestamp] });
      const block = (await this.evm.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock;
      if (Number(block.number) !== parent.number + 1 || block.parentHash !== parent.hash || Number(block.timestamp) !== timestamp) {
        throw new Error(`EVM mined block ${Number(block.number)} (parent ${block.parentHash}, time ${Number(block.timestamp)}); expected ${parent.number + 1} on ${parent.hash} at ${timestamp}`);
      }
      const transactions = block.transactions.map((hash) => {
        const tx = this.#pending.get(hash);
        if (tx === undefined) throw new Error(`block ${parent.number + 1} holds tx ${hash} that did not come through submit()`);
        return tx.raw;
      });
      const record: BlockRecord = { number: parent.number + 1, timestamp, prevRandao, transactions, hash: block.hash };
      await this.journal.appendBlock(record);
      for (const hash of block.transactions) this.#forget(hash);
      this.#head = { number: record.number, hash: record.hash, timestamp };
      // A full block leaves work behind; an empty one means what waits cannot be mined yet
      // (a nonce gap) or was dropped: forget the dropped ones and wait for new arrivals.
      this.#dirty = transactions.length > 0 && this.#pending.size > 0;
      if (transactions.length === 0) await this.#forgetDropped();
      return record;
    } catch (error) {
      // The EVM may now hold a block that is not on disk: nobody may read it, ever. Poison
      // the mutex before it is released, then stop the process (onFatal).
      const fatal = new Error(`chain halted while sealing block ${parent.number + 1}: ${(error as Error).message}`, { cause: error });
      this.mutex.poison(fatal);
      this.#stopped = true;
      clearTimeout(this.#timer);
      this.opts.onFatal(fatal);
      throw fatal;
    }
  }

  async #forgetDropped(): Promise<void> {
    const pool = (await this.evm.request({ method: "eth_pendingTransactions" })) as { hash: string }[];
    const live = new Set(pool.map((tx) => tx.hash));
    for (const hash of [...this.#pending.keys()]) if (!live.has(hash)) this.#forget(hash);
  }
}
