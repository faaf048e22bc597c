// urne seals its own blocks: EDR never mines by itself (evm.ts). Every interval, if a
// waiting transaction can go into the next block, the sealer mines one block with a
// timestamp and prevrandao it chooses by rule, journals it (fsync), and only then lets
// anyone see it. Every access to the EVM (reads, submissions, sealing) goes through one
// mutex for that reason; the sealer takes it ahead of any waiting reader (mutex.ts).
import { EventEmitter } from "node:events";
import { keccak256 } from "ethers";
import type { Evm } from "./evm.js";
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
  /** Transactions the pool dropped as unminable (logs). */
  onDropped?: (hashes: string[], why: string) => void;
  /** Milliseconds since the epoch; tests may pin it. */
  now?: () => number;
};

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

/** The head as the sealer needs it, from a block as the EVM answers it. */
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
    if (!this.pool.hasMinable(baseFee)) return undefined; // what waited was dropped meanwhile
    const heads = this.pool.minableHeads(baseFee);
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
        const raw = this.pool.raw(hash);
        if (raw === undefined) throw new Error(`block ${parent.number + 1} holds tx ${hash} that did not come through the pool`);
        return raw;
      });
      const record: BlockRecord = { number: parent.number + 1, timestamp, prevRandao, transactions, hash: block.hash };
      await this.journal.appendBlock(record);
      this.#head = headOf(block);
      const dropped = await this.pool.afterBlock(block.transactions);
      if (dropped.length > 0) this.opts.onDropped?.(dropped, "nonce used or gap older than the queue limit");
      // The EVM left out a transaction the pool judged minable although it would have fit
      // (its sender's funds went to an earlier one, say): it cannot be mined, so it must
      // not cause another block.
      const mined = new Set(block.transactions);
      const room = BigInt(block.gasLimit) - BigInt(block.gasUsed);
      const unminable = heads.filter((tx) => !mined.has(tx.hash) && this.pool.has(tx.hash) && tx.gasLimit <= room);
      if (unminable.length > 0) this.opts.onDropped?.(await this.pool.drop(unminable), "the EVM left it out of a block");
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
}
