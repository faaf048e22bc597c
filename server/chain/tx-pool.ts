// The transaction pool's door (docs/CHAIN.md §5.4). EDR keeps any transaction it is given,
// minable or not: zero-fee transactions from unfunded senders were accepted, kept in
// memory forever (about 1 GB for 200 of 100 kB) and each sealed an empty block. So every
// transaction is judged here first, with the chain's own state, and refused with -32003
// when it could not be mined: wrong chain, below the fee floor (unless it is a free
// ballot), a sender who cannot pay, a nonce already used or too far ahead, a full pool.
// The pool keeps its own index of what EDR holds, so the sealer seals only when a
// waiting transaction can go into the next block, and drops what can no longer be mined.
import { ballotBoxInterface } from "../../protocol/events.js";
import type { DoorLimits } from "./door-limits.js";
import type { Evm } from "./evm.js";
import { RpcError, RPC_LIMIT_EXCEEDED } from "./rpc-error.js";

/** EIP-1474: the transaction is refused. */
export const RPC_TRANSACTION_REJECTED = -32003;

const CAST_VOTE = ballotBoxInterface.getFunction("castVote")!;
/** A castVote's calldata is under 1 kB; a free ballot is never larger than this (hex characters). */
const MAX_FREE_BALLOT_HEX = 2 + 2 * 4096;

/** A transaction as the EVM shows it (eth_getTransactionByHash). */
type RpcTransaction = {
  type?: string; chainId?: string | null; v?: string; from: string; nonce: string; gas: string; value: string; to: string | null; input: string;
  gasPrice?: string; maxFeePerGas?: string;
};

export type PooledTx = {
  hash: string;
  raw: string;
  from: string;
  nonce: number;
  bytes: number;
  maxFeePerGas: bigint;
  gasLimit: bigint;
  /** Most the sender may pay for it: gas limit × fee cap + value. */
  cost: bigint;
  /** Set for a free ballot: "<ballotId>:<voter>", one waiting per voter and ballot. */
  freeBallot?: string;
  arrivedAt: number;
};

export type TxPoolOptions = {
  evm: Evm;
  limits: DoorLimits;
  chainId: bigint;
  /** Free ballots exist only on a chain whose base fee is always zero (genesis format 2). */
  zeroBaseFee: boolean;
  /** Where free ballots may go; undefined while the BallotBox is not deployed. */
  ballotBox: () => string | undefined;
  now?: () => number;
};

const rejected = (message: string, data?: unknown) => new RpcError(RPC_TRANSACTION_REJECTED, message, data);
const q = (n: bigint | number) => "0x" + n.toString(16);

export class TxPool {
  readonly #byHash = new Map<string, PooledTx>();
  /** sender → nonce → transaction. */
  readonly #bySender = new Map<string, Map<number, PooledTx>>();
  /** sender → its next nonce on chain (as of the last block this pool saw). */
  readonly #accountNonce = new Map<string, number>();
  readonly #freeBallots = new Set<string>();
  #bytes = 0;

  constructor(private readonly o: TxPoolOptions) {}

  get size(): number {
    return this.#byHash.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  has(hash: string): boolean {
    return this.#byHash.has(hash);
  }

  raw(hash: string): string | undefined {
    return this.#byHash.get(hash)?.raw;
  }

  /**
   * Judges `raw` and keeps it in the EVM's mempool, or refuses it. Call under the EVM mutex
   * (no block is sealed between the steps). Returns the transaction hash; throws RpcError
   * with the reason otherwise. `nextBaseFee` is the base fee the next block will have.
   *
   * The EVM decodes the transaction and recovers its sender natively (ethers took 150 ms
   * for a 100 kB transaction: a door that slow is a door anyone can jam), and refuses what
   * it would never accept (bad signature, wrong chain, nonce used, funds short of the upfront
   * cost). What it would keep but never mine is refused here, then dropped from it.
   */
  async admit(raw: string, nextBaseFee: bigint): Promise<string> {
    const { limits, evm } = this.o;
    const bytes = (raw.length - 2) / 2;
    if (bytes > limits.maxTransactionBytes) throw rejected(`transaction larger than ${limits.maxTransactionBytes} bytes`);
    if (this.#byHash.size >= limits.maxPoolTransactions || this.#bytes + bytes > limits.maxPoolBytes) {
      throw new RpcError(RPC_LIMIT_EXCEEDED, "the transaction pool is full; try again after the next block");
    }
    let hash: string;
    try {
      hash = String(await evm.request({ method: "eth_sendRawTransaction", params: [raw] })).toLowerCase();
    } catch (error) {
      throw rejected(error instanceof RpcError ? error.message : "not a valid signed transaction");
    }
    const tx = (await evm.request({ method: "eth_getTransactionByHash", params: [hash] })) as RpcTransaction;
    try {
      const judged = await this.#judge(tx, bytes, nextBaseFee);
      const replaced = this.#bySender.get(judged.from)?.get(judged.nonce);
      if (replaced) this.#remove(replaced); // the EVM replaced it (it checked the fee bump)
      this.#add({ ...judged, hash, raw: raw.toLowerCase(), arrivedAt: this.#now() });
      return hash;
    } catch (error) {
      await evm.request({ method: "hardhat_dropTransaction", params: [hash] });
      throw error;
    }
  }

  async #judge(tx: RpcTransaction, bytes: number, nextBaseFee: bigint): Promise<Omit<PooledTx, "hash" | "raw" | "arrivedAt">> {
    const { limits } = this.o;
    const type = Number(tx.type ?? 0);
    if (type !== 0 && type !== 1 && type !== 2) throw rejected(`transaction type ${type} is not accepted (0, 1 and 2 are)`);
    // Typed transactions carry their chain id; a legacy one has it in v (EIP-155: v = 2·id + 35 or 36).
    const v = tx.v === undefined ? undefined : BigInt(tx.v);
    const chainId = tx.chainId != null ? BigInt(tx.chainId) : v !== undefined && v >= 35n ? (v - 35n) / 2n : undefined;
    if (chainId !== this.o.chainId) {
      throw rejected(chainId !== undefined ? `transaction for chain ${chainId}, this is chain ${this.o.chainId}` : "transaction without a chain id (EIP-155) is not accepted");
    }
    const from = tx.from.toLowerCase();
    const nonce = Number(tx.nonce);
    const gasLimit = BigInt(tx.gas);
    const value = BigInt(tx.value);
    const maxFeePerGas = BigInt(tx.maxFeePerGas ?? tx.gasPrice ?? 0);

    const floor = nextBaseFee > limits.minGasPrice ? nextBaseFee : limits.minGasPrice;
    let freeBallot: string | undefined;
    if (maxFeePerGas < floor) {
      freeBallot = this.#freeBallotKey(tx, gasLimit, value);
      if (freeBallot === undefined) {
        throw rejected(`fee per gas ${maxFeePerGas} is below this node's floor ${floor} (base fee ${nextBaseFee}, minimum ${limits.minGasPrice})${this.o.zeroBaseFee ? "; only a castVote to the ballot box may be free" : ""}`);
      }
      if (this.#freeBallots.has(freeBallot)) throw rejected("a free ballot of this voter for this ballot is already waiting");
    }

    const accountNonce = Number(await this.o.evm.request({ method: "eth_getTransactionCount", params: [from, "latest"] }));
    this.#accountNonce.set(from, accountNonce);
    if (nonce > accountNonce + limits.maxNonceAhead) throw rejected(`nonce too high: ${nonce}, more than ${limits.maxNonceAhead} ahead of the sender's next nonce ${accountNonce}`);
    const mine = this.#bySender.get(from);
    const replaced = mine?.get(nonce);
    if (!replaced && (mine?.size ?? 0) >= limits.maxSenderTransactions) throw new RpcError(RPC_LIMIT_EXCEEDED, `this sender already has ${limits.maxSenderTransactions} transactions waiting`);

    // What the sender commits to pay, with what it already has waiting (geth judges each alone).
    const cost = gasLimit * maxFeePerGas + value;
    let committed = cost;
    for (const other of mine?.values() ?? []) if (other !== replaced) committed += other.cost;
    if (committed > 0n) {
      const balance = BigInt((await this.o.evm.request({ method: "eth_getBalance", params: [from, "latest"] })) as string);
      if (committed > balance) throw rejected(`insufficient funds: the sender's waiting transactions may cost ${committed} wei, its balance is ${balance}`);
    }
    if (freeBallot !== undefined) await this.#simulateFreeBallot(tx, from, gasLimit);
    return { from, nonce, bytes, maxFeePerGas, gasLimit, cost, freeBallot };
  }
  /** The sender's next nonce counting its transactions waiting in a row (eth_getTransactionCount "pending"). */
  async pendingNonce(address: string): Promise<number> {
    const from = address.toLowerCase();
    let nonce = Number(await this.o.evm.request({ method: "eth_getTransactionCount", params: [from, "latest"] }));
    const mine = this.#bySender.get(from);
    while (mine?.has(nonce)) nonce++;
    return nonce;
  }

  /** Is there a transaction the next block can hold (its nonce next in line, its fee at least `baseFee`)? */
  hasMinable(baseFee: bigint): boolean {
    for (const [from, mine] of this.#bySender) {
      const head = mine.get(this.#accountNonce.get(from) ?? 0);
      if (head && head.maxFeePerGas >= baseFee) return true;
    }
    return false;
  }

  /** The next block's minable heads (to drop if the EVM still leaves them out). */
  minableHeads(baseFee: bigint): PooledTx[] {
    const out: PooledTx[] = [];
    for (const [from, mine] of this.#bySender) {
      const head = mine.get(this.#accountNonce.get(from) ?? 0);
      if (head && head.maxFeePerGas >= baseFee) out.push(head);
    }
    return out;
  }

  /**
   * After a sealed block holding `mined` (hashes): forget them, move each sender's nonce,
   * and drop from the EVM what can no longer be mined (an older nonce, or a transaction
   * waiting behind a gap for longer than queuedTtlMs). Call under the EVM mutex.
   */
  async afterBlock(mined: readonly string[]): Promise<string[]> {
    const touched = new Set<string>();
    for (const hash of mined) {
      const tx = this.#byHash.get(hash);
      if (!tx) continue;
      this.#remove(tx);
      touched.add(tx.from);
      this.#accountNonce.set(tx.from, Math.max(this.#accountNonce.get(tx.from) ?? 0, tx.nonce + 1));
    }
    const dropped: PooledTx[] = [];
    const expired = this.#now() - this.o.limits.queuedTtlMs;
    for (const [from, mine] of this.#bySender) {
      const next = this.#accountNonce.get(from) ?? 0;
      for (const tx of mine.values()) {
        const stale = tx.nonce < next && touched.has(from);
        const gapped = tx.nonce > next && ![...range(next, tx.nonce)].every((n) => mine.has(n));
        if (stale || (gapped && tx.arrivedAt < expired)) dropped.push(tx);
      }
    }
    return this.drop(dropped);
  }

  /** Removes `txs` from the pool and from the EVM's mempool. Call under the EVM mutex. */
  async drop(txs: readonly PooledTx[]): Promise<string[]> {
    for (const tx of txs) {
      this.#remove(tx);
      await this.o.evm.request({ method: "hardhat_dropTransaction", params: [tx.hash] });
    }
    return txs.map((t) => t.hash);
  }

  #add(tx: PooledTx) {
    this.#byHash.set(tx.hash, tx);
    let mine = this.#bySender.get(tx.from);
    if (!mine) this.#bySender.set(tx.from, (mine = new Map()));
    mine.set(tx.nonce, tx);
    if (tx.freeBallot) this.#freeBallots.add(tx.freeBallot);
    this.#bytes += tx.bytes;
  }

  #remove(tx: PooledTx) {
    if (!this.#byHash.delete(tx.hash)) return;
    const mine = this.#bySender.get(tx.from)!;
    if (mine.get(tx.nonce) === tx) mine.delete(tx.nonce);
    if (mine.size === 0) {
      this.#bySender.delete(tx.from);
      this.#accountNonce.delete(tx.from);
    }
    if (tx.freeBallot) this.#freeBallots.delete(tx.freeBallot);
    this.#bytes -= tx.bytes;
  }

  /** "<ballotId>:<voter>" when `tx` may be a free ballot: a castVote to the ballot box, no value, bounded gas. */
  #freeBallotKey(tx: RpcTransaction, gasLimit: bigint, value: bigint): string | undefined {
    const ballotBox = this.o.ballotBox();
    if (!this.o.zeroBaseFee || !ballotBox || tx.to?.toLowerCase() !== ballotBox.toLowerCase()) return undefined;
    if (value !== 0n || gasLimit > this.o.limits.freeBallotGas || tx.input.length > MAX_FREE_BALLOT_HEX || !tx.input.startsWith(CAST_VOTE.selector)) return undefined;
    try {
      const [vote] = ballotBoxInterface.decodeFunctionData(CAST_VOTE, tx.input);
      return `${vote.ballotId}:${String(vote.voter).toLowerCase()}`;
    } catch {
      return undefined;
    }
  }

  /** A free ballot must be one the ballot box counts now: its castVote, run on the latest state, must not revert. */
  async #simulateFreeBallot(tx: RpcTransaction, from: string, gasLimit: bigint): Promise<void> {
    try {
      await this.o.evm.request({ method: "eth_call", params: [{ from, to: tx.to, data: tx.input, gas: q(gasLimit) }, "latest"] });
    } catch (error) {
      const data = error instanceof RpcError ? error.data : undefined;
      let reason = "it reverts";
      try {
        if (typeof data === "string") reason = ballotBoxInterface.parseError(data)?.name ?? reason;
      } catch {
        // an error the ABI does not know: keep the generic reason
      }
      throw rejected(`free ballot refused: the ballot box would refuse it (${reason})`, data);
    }
  }

  #now(): number {
    return (this.o.now ?? Date.now)();
  }
}

function* range(from: number, to: number) {
  for (let n = from; n < to; n++) yield n;
}
