// The transaction pool (docs/CHAIN.md §5.4). It decodes each transaction itself (ethereumjs,
// with the native secp256k1 to recover its sender: ethers took 150 ms for a 100 kB
// transaction, and a door that slow is a door anyone can jam), judges it with the chain's
// own state, and refuses with -32003 what could not be mined: not a valid signed
// transaction, wrong chain, a type it does not take, too little gas, below the fee floor
// (unless it is a free ballot), a sender who cannot pay, a nonce already used or too far
// ahead, a replacement without a fee bump, a full pool. (EDR, which urne ran on before,
// kept any transaction it was given: zero-fee transactions from unfunded senders were kept
// in memory forever and each sealed an empty block.) The pool keeps what it accepted, in
// memory only: a waiting transaction is not final and a restart forgets it (docs/CHAIN.md
// §5.7); the sealer takes the candidates in arrival order (candidates()) and hands them to
// DurableChain.seal, and the pool drops what can no longer be mined.
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { RLP } from "@ethereumjs/rlp";
import { getCalldataFloorGas } from "@ethereumjs/tx";
import type { Common } from "@ethereumjs/common";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { keccak256 } from "ethers";
import { ballotBoxInterface } from "../../protocol/events.js";
import type { DoorLimits } from "./door-limits.js";
import type { Evm } from "./engine/engine-rpc.js";
import { RpcError, RPC_LIMIT_EXCEEDED } from "./rpc-error.js";

/** EIP-1474: the transaction is refused. */
export const RPC_TRANSACTION_REJECTED = -32003;

const CAST_VOTE = ballotBoxInterface.getFunction("castVote")!;
/** A castVote's calldata is under 1 kB; a free ballot is never larger than this (hex characters). */
const MAX_FREE_BALLOT_HEX = 2 + 2 * 4096;
/** A replacement must raise both fees by this many percent (geth's and EDR's default). */
const REPLACEMENT_BUMP_PERCENT = 10n;

/** What the pool reads of a decoded transaction. */
type TxFields = { to: string | null; input: string };

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
  maxPriorityFeePerGas: bigint;
  /** Set for a free ballot: "<ballotId>:<voter>", one waiting per voter and ballot. */
  freeBallot?: string;
  arrivedAt: number;
  /** Arrival order (candidates() takes the transactions first come, first served). */
  seq: number;
};

export type TxPoolOptions = {
  /** Reads of the head's state (eth_getTransactionCount, eth_getBalance, eth_call). */
  evm: Evm;
  /** The chain's rules (chain id, hardfork, native crypto): engine/chain-common.ts. */
  common: Common;
  /** The block gas limit: a transaction asking for more could never be mined. */
  blockGasLimit: bigint;
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
  #seq = 0;

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
   * Judges `raw` and keeps it, or refuses it. Call under the EVM mutex (no block is sealed
   * between the steps). Returns the transaction hash; throws RpcError with the reason
   * otherwise. `nextBaseFee` is the base fee the next block will have.
   */
  async admit(raw: string, nextBaseFee: bigint): Promise<string> {
    const { limits } = this.o;
    const bytes = (raw.length - 2) / 2;
    if (bytes > limits.maxTransactionBytes) throw rejected(`transaction larger than ${limits.maxTransactionBytes} bytes`);
    if (this.#byHash.size >= limits.maxPoolTransactions || this.#bytes + bytes > limits.maxPoolBytes) {
      throw new RpcError(RPC_LIMIT_EXCEEDED, "the transaction pool is full; try again after the next block");
    }
    raw = raw.toLowerCase();
    const hash = keccak256(raw);
    if (this.#byHash.has(hash)) throw rejected(`already known: transaction ${hash} is waiting`);
    const tx = this.#decode(raw);
    const judged = await this.#judge(tx, bytes, nextBaseFee);
    const replaced = this.#bySender.get(judged.from)?.get(judged.nonce);
    if (replaced) this.#remove(replaced);
    this.#add({ ...judged, hash, raw, arrivedAt: this.#now(), seq: this.#seq++ });
    return hash;
  }

  /** The transaction decoded and its signature checked, or why not (its chain named when it is another's). */
  #decode(raw: string): TypedTransaction {
    const bytes = hexToBytes(raw as `0x${string}`);
    const type = bytes.length > 0 && bytes[0] < 0x7f ? bytes[0] : 0;
    if (type !== 0 && type !== 1 && type !== 2) throw rejected(`transaction type ${type} is not accepted (0, 1 and 2 are)`);
    const chainId = chainIdOf(bytes, type);
    if (chainId !== this.o.chainId) {
      throw rejected(chainId !== undefined ? `transaction for chain ${chainId}, this is chain ${this.o.chainId}` : "transaction without a chain id (EIP-155) is not accepted");
    }
    let tx: TypedTransaction;
    try {
      tx = createTxFromRLP(bytes, { common: this.o.common });
      if (!tx.isSigned() || !tx.verifySignature()) throw new Error("invalid signature");
    } catch (error) {
      throw rejected(`not a valid signed transaction: ${(error as Error).message.split("\n")[0].slice(0, 200)}`);
    }
    return tx;
  }

  async #judge(tx: TypedTransaction, bytes: number, nextBaseFee: bigint): Promise<Omit<PooledTx, "hash" | "raw" | "arrivedAt" | "seq">> {
    const { limits } = this.o;
    const from = tx.getSenderAddress().toString().toLowerCase();
    const nonce = Number(tx.nonce);
    if (!Number.isSafeInteger(nonce)) throw rejected(`nonce ${tx.nonce} is out of range`);
    const gasLimit = tx.gasLimit;
    const value = tx.value;
    const maxFeePerGas = "maxFeePerGas" in tx ? tx.maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice;
    const maxPriorityFeePerGas = "maxPriorityFeePerGas" in tx ? tx.maxPriorityFeePerGas : maxFeePerGas;
    const fields: TxFields = { to: tx.to?.toString() ?? null, input: bytesToHex(tx.data) };

    // Gas: at least what the transaction costs before it runs (EIP-7623's calldata floor
    // included), at most a block's.
    const intrinsic = tx.getIntrinsicGas();
    const floorGas = this.o.common.isActivatedEIP(7623) ? getCalldataFloorGas(tx, tx.getSenderAddress()) : 0n;
    const least = intrinsic > floorGas ? intrinsic : floorGas;
    if (gasLimit < least) throw rejected(`intrinsic gas too low: gas limit ${gasLimit}, the transaction needs at least ${least}`);
    if (gasLimit > this.o.blockGasLimit) throw rejected(`gas limit ${gasLimit} exceeds the block gas limit ${this.o.blockGasLimit}`);

    const floor = nextBaseFee > limits.minGasPrice ? nextBaseFee : limits.minGasPrice;
    let freeBallot: string | undefined;
    if (maxFeePerGas < floor) {
      freeBallot = this.#freeBallotKey(fields, gasLimit, value);
      if (freeBallot === undefined) {
        throw rejected(`fee per gas ${maxFeePerGas} is below this node's floor ${floor} (base fee ${nextBaseFee}, minimum ${limits.minGasPrice})${this.o.zeroBaseFee ? "; only a castVote to the ballot box may be free" : ""}`);
      }
      if (this.#freeBallots.has(freeBallot)) throw rejected("a free ballot of this voter for this ballot is already waiting");
    }

    const accountNonce = Number(await this.o.evm.request({ method: "eth_getTransactionCount", params: [from, "latest"] }));
    this.#accountNonce.set(from, accountNonce);
    if (nonce < accountNonce) throw rejected(`nonce too low: ${nonce}, the sender's next nonce is ${accountNonce}`);
    if (nonce > accountNonce + limits.maxNonceAhead) throw rejected(`nonce too high: ${nonce}, more than ${limits.maxNonceAhead} ahead of the sender's next nonce ${accountNonce}`);
    const mine = this.#bySender.get(from);
    const replaced = mine?.get(nonce);
    if (replaced) {
      const bumped = (fee: bigint) => fee + (fee * REPLACEMENT_BUMP_PERCENT) / 100n;
      if (maxFeePerGas < bumped(replaced.maxFeePerGas) || maxPriorityFeePerGas < bumped(replaced.maxPriorityFeePerGas)) {
        throw rejected(`replacement transaction underpriced: replacing nonce ${nonce} needs fees ${REPLACEMENT_BUMP_PERCENT}% above the waiting one's (max fee ${replaced.maxFeePerGas}, priority fee ${replaced.maxPriorityFeePerGas})`);
      }
    }
    if (!replaced && (mine?.size ?? 0) >= limits.maxSenderTransactions) throw new RpcError(RPC_LIMIT_EXCEEDED, `this sender already has ${limits.maxSenderTransactions} transactions waiting`);

    // What the sender commits to pay, with what it already has waiting (geth judges each alone).
    const cost = gasLimit * maxFeePerGas + value;
    let committed = cost;
    for (const other of mine?.values() ?? []) if (other !== replaced) committed += other.cost;
    if (committed > 0n) {
      const balance = BigInt((await this.o.evm.request({ method: "eth_getBalance", params: [from, "latest"] })) as string);
      if (committed > balance) throw rejected(`insufficient funds: the sender's waiting transactions may cost ${committed} wei, its balance is ${balance}`);
    }
    if (freeBallot !== undefined) await this.#simulateFreeBallot(fields, from, gasLimit);
    return { from, nonce, bytes, maxFeePerGas, maxPriorityFeePerGas, gasLimit, cost, freeBallot };
  }

  /** A waiting transaction as eth_getTransactionByHash shows it (not in a block: blockNumber null), or undefined. */
  pendingTransaction(hash: string): Record<string, unknown> | undefined {
    const pooled = this.#byHash.get(hash.toLowerCase());
    if (!pooled) return undefined;
    const tx = createTxFromRLP(hexToBytes(pooled.raw as `0x${string}`), { common: this.o.common });
    const q0 = (n: bigint | number) => "0x" + n.toString(16);
    const json: Record<string, unknown> = {
      hash: pooled.hash, nonce: q0(tx.nonce), blockHash: null, blockNumber: null, transactionIndex: null, from: pooled.from, to: tx.to?.toString() ?? null,
      value: q0(tx.value), gasPrice: q0(pooled.maxFeePerGas), gas: q0(tx.gasLimit), input: bytesToHex(tx.data), type: q0(tx.type), v: q0(tx.v!), r: q0(tx.r!), s: q0(tx.s!),
    };
    if (tx.type >= 1) {
      json.chainId = q0(this.o.chainId);
      json.accessList = (tx.toJSON().accessList ?? []).map((a) => ({ address: a.address, storageKeys: a.storageKeys }));
    }
    if (tx.type === 2) Object.assign(json, { maxFeePerGas: q0(pooled.maxFeePerGas), maxPriorityFeePerGas: q0(pooled.maxPriorityFeePerGas) });
    return json;
  }

  /**
   * What the next block may hold, in the order to try it: each sender's waiting transactions
   * from its next nonce on, in a row, while their fee cap reaches `baseFee`, first come first
   * served across senders (the earliest arrival among the senders' next transactions goes first).
   */
  candidates(baseFee: bigint): PooledTx[] {
    const lines: PooledTx[][] = [];
    for (const [from, mine] of this.#bySender) {
      const line: PooledTx[] = [];
      for (let n = this.#accountNonce.get(from) ?? 0; ; n++) {
        const tx = mine.get(n);
        if (!tx || tx.maxFeePerGas < baseFee) break;
        line.push(tx);
      }
      if (line.length > 0) lines.push(line.reverse());
    }
    const out: PooledTx[] = [];
    for (;;) {
      let best: PooledTx[] | undefined;
      for (const line of lines) if (line.length > 0 && (!best || line.at(-1)!.seq < best.at(-1)!.seq)) best = line;
      if (!best) return out;
      out.push(best.pop()!);
    }
  }

  /** The sender's next nonce on chain as the pool knows it (after the last block it saw). */
  accountNonce(from: string): number | undefined {
    return this.#accountNonce.get(from.toLowerCase());
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

  /**
   * After a sealed block holding `mined` (hashes): forget them, move each sender's nonce,
   * and drop what can no longer be mined (an older nonce, or a transaction
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

  /** Removes `txs` from the pool. Call under the EVM mutex. */
  async drop(txs: readonly PooledTx[]): Promise<string[]> {
    for (const tx of txs) this.#remove(tx);
    return txs.map((t) => t.hash);
  }

  /** The waiting transaction with this raw encoding, if any. */
  byRaw(raw: string): PooledTx | undefined {
    return this.#byHash.get(keccak256(raw));
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
  #freeBallotKey(tx: TxFields, gasLimit: bigint, value: bigint): string | undefined {
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
  async #simulateFreeBallot(tx: TxFields, from: string, gasLimit: bigint): Promise<void> {
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

/** The chain id a raw transaction names (typed: its first field; legacy: from v, EIP-155), undefined if none or unreadable. */
function chainIdOf(bytes: Uint8Array, type: number): bigint | undefined {
  try {
    const fields = RLP.decode(type === 0 ? bytes : bytes.subarray(1)) as Uint8Array[];
    if (!Array.isArray(fields)) return undefined;
    const int = (b: Uint8Array | undefined) => (b === undefined || b.length === 0 ? 0n : BigInt(bytesToHex(b)));
    if (type !== 0) return int(fields[0]);
    const v = int(fields[6]);
    return v >= 35n ? (v - 35n) / 2n : undefined;
  } catch {
    return undefined;
  }
}

function* range(from: number, to: number) {
  for (let n = from; n < to; n++) yield n;
}
