// urne seals its own blocks. Every interval, if a waiting transaction can go into the next
// block, the sealer has the engine build one block from the pool's candidates with a
// timestamp and prevrandao it chooses by rule (DurableChain.seal), which journals it (fsync)
// before its state and index are written, and only then lets anyone see it. Every access
// to the engine (reads, submissions, sealing) goes through one mutex for that reason; the
// sealer takes it ahead of any waiting reader (mutex.ts).
import { EventEmitter } from "node:events";
import { keccak256 } from "ethers";
import { bytesToHex } from "@ethereumjs/util";
import type { Block } from "@ethereumjs/block";
import type { DurableChain } from "./engine/durable-chain.js";
import type { Evm } from "./engine/engine-rpc.js";
import type { BlockRecord, Journal } from "./journal.js";
import type { Mutex } from "./mutex.js";
import type { TxPool } from "./tx-pool.js";

/** The last final block, as the sealer builds on it. */
export type ChainHead = {
  number: number;
  hash: string;
  timestamp: number;
  /** What the next block's base fee follows (EIP-1559). */
  baseFeePerGas: bigint;
  gasUsed: bigint;
  gasLimit: bigint;
};

export type SealerOptions = {
  intervalMs: number;
  /** The chain's base fee is always zero (genesis format 2). */
  zeroBaseFee: boolean;
  /** Called once if the chain cannot go on safely (a journal write failed); must stop the process. */
  onFatal: (error: Error) => void;
  /** Most transactions tried for one block (default MAX_BLOCK_TRANSACTIONS). */
  maxBlockTransactions?: number;
  /** Transactions the pool dropped as unminable (logs). */
  onDropped?: (hashes: string[], why: string) => void;
  /** Milliseconds since the epoch; tests may pin it. */
  now?: () => number;
};

/**
 * Transactions tried for one block. ethereumjs' BlockBuilder (public API) rebuilds the
 * block with every transaction added so far before running the next one (createBlock:
 * each transaction re-created, its Common copied), so sealing n transactions costs O(n²):
 * measured here 6 s for 300 transfers, 20 s for 600. A block of 2,857 transfers (what
 * 60 M gas holds) would hold the engine lock for minutes; 128 take about a second. Vote
 * batches (castVotes, 50 votes a transaction) fill a block's gas long before this.
 */
export const MAX_BLOCK_TRANSACTIONS = 128;

/** The rule every sealed and every replayed block follows (docs/CHAIN.md §3). */
export const prevRandaoFor = (parentHash: string) => keccak256(parentHash);
export const timestampFor = (nowMs: number, parent: Pick<ChainHead, "timestamp">) => Math.max(Math.floor(nowMs / 1000), parent.timestamp);

/** EIP-1559 with EDR's parameters (elasticity 2, change denominator 8); 0 on a zero-base-fee chain. */
export function nextBaseFee(head: ChainHead, zeroBaseFee: boolean): bigint {
  if (zeroBaseFee) return 0n;
  const target = head.gasLimit / 2n;
  if (head.gasUsed === target || target === 0n) return head.baseFeePerGas;
  if (head.gasUsed > target) {
    const delta = (head.baseFeePerGas * (head.gasUsed - target)) / target / 8n;
    return head.baseFeePerGas + (delta > 1n ? delta : 1n);
  }
  return head.baseFeePerGas - (head.baseFeePerGas * (target - head.gasUsed)) / target / 8n;
}

type RpcBlock = { number: string; hash: string; parentHash: string; timestamp: string; transactions: string[]; baseFeePerGas?: string; gasUsed: string; gasLimit: string };

/** The head as the sealer needs it, from a block the engine built. */
export function headOfBlock(block: Block): ChainHead {
  const h = block.header;
  return { number: Number(h.number), hash: bytesToHex(block.hash()), timestamp: Number(h.timestamp), baseFeePerGas: h.baseFeePerGas ?? 0n, gasUsed: h.gasUsed, gasLimit: h.gasLimit };
}

/** The head as the sealer needs it, from a block as JSON-RPC answers it. */
export function headOf(block: RpcBlock): ChainHead {
  return {
    number: Number(block.number), hash: block.hash, timestamp: Number(block.timestamp),
    baseFeePerGas: BigInt(block.baseFeePerGas ?? 0), gasUsed: BigInt(block.gasUsed), gasLimit: BigInt(block.gasLimit),
  };
}

export class Sealer extends EventEmitter<{ block: [BlockRecord] }> {
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #stopped = true;
  #head: ChainHead;

  constructor(
    private readonly evm: Evm,
    private readonly chain: DurableChain,
    private readonly journal: Journal,
    private readonly mutex: Mutex,
    private readonly pool: TxPool,
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
    return this.pool.size;
  }

  /** The base fee of the next block. */
  get nextBaseFee(): bigint {
    return nextBaseFee(this.#head, this.opts.zeroBaseFee);
  }

  /** A read-only JSON-RPC call on the EVM; it sees final (journaled) blocks only. */
  read(method: string, params: unknown[]): Promise<unknown> {
    return this.mutex.run(() => this.evm.request({ method, params }));
  }

  /** eth_sendRawTransaction: judged by the pool, then into the mempool; final once a journaled block holds it. */
  submit(raw: string): Promise<string> {
    return this.mutex.run(() => this.pool.admit(raw, this.nextBaseFee));
  }

  /** eth_getTransactionCount(address, "pending"): the final nonce and the sender's transactions waiting in a row. */
  pendingNonce(address: string): Promise<string> {
    return this.mutex.run(async () => `0x${(await this.pool.pendingNonce(address)).toString(16)}`);
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

  /** Seals blocks while a waiting transaction can be mined (tests and startup use it; the timer too). */
  async sealPending(): Promise<BlockRecord[]> {
    const sealed: BlockRecord[] = [];
    while (!this.mutex.poisoned && this.pool.hasMinable(this.nextBaseFee)) {
      // One block per turn of the mutex: readers and submitters get in between blocks.
      const block = await this.mutex.runFirst(() => this.#sealOne());
      if (!block) break;
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

  async #sealOne(): Promise<BlockRecord | undefined> {
    const parent = this.#head;
    const baseFee = this.nextBaseFee;
    const candidates = this.pool.candidates(baseFee).slice(0, this.opts.maxBlockTransactions ?? MAX_BLOCK_TRANSACTIONS);
    if (candidates.length === 0) return undefined; // what waited was dropped meanwhile
    try {
      const timestamp = timestampFor((this.opts.now ?? Date.now)(), parent);
      // Journaled (synced) before anything of the block is written or shown (DurableChain.seal).
      const { record, leftOut } = await this.chain.seal(candidates.map((tx) => tx.raw), timestamp, this.journal);
      const block = this.chain.head;
      if (record.number !== parent.number + 1 || bytesToHex(block.header.parentHash) !== parent.hash) {
        throw new Error(`the engine sealed block ${record.number} on ${bytesToHex(block.header.parentHash)}; expected ${parent.number + 1} on ${parent.hash}`);
      }
      this.#head = headOfBlock(block);
      const mined = record.transactions.map((raw) => keccak256(raw));
      const dropped = await this.pool.afterBlock(mined);
      if (dropped.length > 0) this.opts.onDropped?.(dropped, "nonce used or gap older than the queue limit");
      // The engine left out a transaction the pool judged minable, next in its sender's line,
      // although it would have fit (its sender's funds went to an earlier one, say): it
      // cannot be mined, so it must not cause another block.
      const room = block.header.gasLimit - block.header.gasUsed;
      const unminable = leftOut
        .map(({ raw }) => this.pool.byRaw(raw))
        .filter((tx): tx is NonNullable<typeof tx> => tx !== undefined && tx.nonce === this.pool.accountNonce(tx.from) && tx.gasLimit <= room);
      if (unminable.length > 0) this.opts.onDropped?.(await this.pool.drop(unminable), `the engine left it out of a block (${leftOut.map((l) => l.reason.split("\n")[0].slice(0, 120)).join("; ")})`);
      return record;
    } catch (error) {
      // The engine may hold a block that is not on disk (its derived store's write failed
      // after the journal's): nobody may read it, ever; the next start rebuilds it from the
      // journal. Poison
      // the mutex before it is released, then stop the process (onFatal).
      const fatal = new Error(`chain halted while sealing block ${parent.number + 1}: ${(error as Error).message}`, { cause: error });
      this.mutex.poison(fatal);
      this.#stopped = true;
      clearTimeout(this.#timer);
      this.opts.onFatal(fatal);
      throw fatal;
    }
  }
}
