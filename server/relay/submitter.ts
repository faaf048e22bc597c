// Packs journaled ballots into castVotes transactions and follows each one to its block
// (docs/ARCHITECTURE.md §3, step 6). Rules that keep every acknowledged ballot alive:
// - a transaction is journaled (raw bytes, nonce, ballots) BEFORE it is sent, so after a
//   crash it is looked up, or sent again byte for byte, never forgotten;
// - nonces are ours: read once at start ("latest"), then counted here; a nonce whose
//   transaction the node forgot is signed again with the same nonce (one of the versions
//   is mined, never two), so no gap ever blocks later transactions;
// - a ballot is settled from the logs of its own transaction (VoteCast or VoteRejected);
//   "already voted" is checked against the VoteCast logs, since an earlier transaction
//   (or anybody: castVotes is open) may have counted this very ballot.
import type { TransactionReceipt, Wallet } from "ethers";
import { BallotKind, MJ_GRADE_COUNT, type SignedVote } from "../../protocol/index.js";
import type { BallotBoxView } from "./ballot-box-view.js";
import { encodeCastVotes, signCastVotes } from "./cast-votes-tx.js";
import { loadVote, type Receipt, type RelayJournal, type TxRecord } from "./journal.js";
import { minedOutcome, unminedOutcome, type Outcome } from "./settlement.js";

export type SubmitterOptions = {
  /** Ballots per castVotes transaction (default 50). */
  batchSize?: number;
  /** Transactions sent and not yet mined (default 16). */
  maxInFlight?: number;
  /** A partial batch waits this long for company (default 100 ms). */
  lingerMs?: number;
  /** Loop period: block scans and retries (default 50 ms). */
  pollMs?: number;
  /** A transaction the node has not shown for this long is looked up and sent again (default 2000 ms). */
  vanishAfterMs?: number;
  maxPriorityFeePerGas?: bigint;
  /** Gas bound per vote before per-slot costs (default 75,000; tests lower it to force a revert). */
  voteGas?: bigint;
  /** Called after receipts are settled on disk (benchmarks, metrics). */
  onSettled?: (receipts: Receipt[]) => void;
  log?: (event: string, fields: Record<string, unknown>) => void;
};

type InFlight = { tx: TxRecord; lastSeen: number };
const BLOCK_GAS_CAP = 30_000_000n;
// Measured (scripts/bench/gas.ts, prague): 58-62k gas per vote in a batch of 50 new voters;
// a counter slot going from zero to nonzero costs ~17k more. The bound: 75k per vote plus 20k
// per counter slot it may touch (all fresh), plus the transaction's own 21k and calldata.
const BATCH_BASE_GAS = 60_000n;
const VOTE_BASE_GAS = 75_000n;
const SLOT_GAS = 20_000n;
// A payload byte is paid as calldata (16 gas, or EIP-7623's floor of 40 when that is more),
// copied, hashed and logged (8): 48 per byte bounds it. Sealed single choice of 3, 421 bytes:
// 68,627 gas measured in a batch of 50; majority judgment of 10, 9,061 bytes: 381,702.
const PAYLOAD_GAS_PER_BYTE = 48n;
// The chain refuses a transaction above 128 KiB (door-limits.ts, maxTransactionBytes): a
// batch's payloads stay well under it (sealed ballots run to 22.7 KB each), whatever batchSize says.
const BATCH_PAYLOAD_BYTES = 96 * 1024;
/** What one vote adds to castVotes' calldata besides its payload: its words, offsets and signatures. */
const VOTE_OVERHEAD_BYTES = 512;

const payloadBytes = (r: Receipt) => (r.vote.payload.length - 2) / 2;

export class Submitter {
  readonly #o: Required<Omit<SubmitterOptions, "log" | "onSettled">> & Pick<SubmitterOptions, "log" | "onSettled">;
  #queue: Receipt[] = [];
  #inFlight = new Map<number, InFlight>(); // by nonce
  #byHash = new Map<string, number>(); // every signed hash → nonce
  #nonce = 0;
  #scanned = 0;
  #baseFee = 1_000_000_000n;
  /** What the node asks of a paying transaction per gas (eth_gasPrice): urne's chain has a floor above its zero base fee. */
  #gasPrice = 0n;
  #chainId = 0n;
  #running = false;
  #estimate = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  /** Counters for the benchmark and the logs. */
  readonly stats = { transactions: 0, resent: 0, resigned: 0, settled: 0, ms: { estimate: 0, sign: 0, journal: 0, send: 0, scan: 0 } };

  constructor(private readonly journal: RelayJournal, private readonly view: BallotBoxView, private readonly wallet: Wallet, opts: SubmitterOptions = {}) {
    this.#o = { batchSize: 50, maxInFlight: 16, lingerMs: 100, pollMs: 50, vanishAfterMs: 2000, maxPriorityFeePerGas: 0n, voteGas: VOTE_BASE_GAS, ...opts };
  }

  /** Reconciles the journal with the chain, then runs until stop(). Retries until the node answers. */
  async start(): Promise<void> {
    this.#running = true;
    for (;;) {
      try {
        await this.#reconcile();
        break;
      } catch (error) {
        this.#log("relay.reconcile_retry", { error: String((error as Error).message ?? error) });
        if (!this.#running) return;
        await sleep(500);
      }
    }
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** A newly journaled ballot. */
  enqueue(receipt: Receipt): void {
    this.#queue.push(receipt);
    if (this.#queue.length >= this.#o.batchSize) this.#wake?.();
  }

  /** Sends what waits now rather than after the linger (a ballot being closed). */
  wake(): void {
    this.#lingerStart = 1; // long ago: the partial batch is ready
    this.#wake?.();
  }

  /** Ballots not yet settled (queued or in a transaction). */
  get backlog(): number {
    let n = this.#queue.length;
    for (const f of this.#inFlight.values()) n += f.tx.receiptIds.length;
    return n;
  }

  /**
   * On start: every journaled transaction is either mined (settle it), consumed by
   * another transaction of the same nonce (look its ballots up, re-queue the rest), or
   * still to come (send it again). Pending ballots are queued in arrival order.
   */
  async #reconcile() {
    const p = this.view.provider;
    this.#chainId = (await p.getNetwork()).chainId;
    const head = await p.getBlock("latest");
    this.#scanned = head!.number;
    this.#baseFee = head!.baseFeePerGas ?? this.#baseFee;
    this.#gasPrice = BigInt(await p.send("eth_gasPrice", []));
    const chainNonce = await p.getTransactionCount(this.wallet.address, "latest");
    this.#nonce = chainNonce;
    this.#inFlight.clear();
    this.#byHash.clear();
    for (const tx of await this.journal.transactions()) {
      const mined = await this.#minedVersion(tx);
      if (mined) await this.#settleMined(tx, mined);
      else if (tx.nonce < chainNonce) await this.#nonceConsumed(tx);
      else this.#track(tx, 0);
      this.#nonce = Math.max(this.#nonce, tx.nonce + 1);
    }
    const known = new Set(this.#queue.map((r) => r.receiptId));
    this.#queue = [...this.#queue, ...(await this.journal.pending()).filter((r) => !known.has(r.receiptId))].sort((a, b) => a.seq - b.seq);
    this.#log("relay.reconciled", { nonce: this.#nonce, inFlight: this.#inFlight.size, pending: this.#queue.length });
  }

  async #run() {
    let paused = false;
    while (this.#running) {
      // A journal that cannot be written cannot journal a transaction before it is sent, nor
      // a settle: nothing is sent or settled until a restart reconciles it (relay.ts refuses ballots).
      if (this.journal.failure) {
        if (!paused) this.#log("relay.submitter_paused", { reason: this.journal.failure.reason });
        paused = true;
        await sleep(this.#o.pollMs * 10);
        continue;
      }
      try {
        const t = performance.now();
        await this.#scan();
        this.stats.ms.scan += performance.now() - t;
        await this.#retryVanished();
        while (this.#running && this.#inFlight.size < this.#o.maxInFlight && this.#batchReady()) await this.#sendBatch();
      } catch (error) {
        this.#log("relay.submit_error", { error: String((error as Error).message ?? error) });
        await sleep(200); // the node is down or restarting: keep everything, try again
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#o.pollMs);
        this.#wake = () => (clearTimeout(timer), resolve());
      });
      this.#wake = undefined;
    }
  }

  #lingerStart = 0;
  /** A full batch goes at once; a partial one waits lingerMs for company, unless nothing is under way. */
  #batchReady(): boolean {
    const n = this.#queue.length;
    if (n === 0) return ((this.#lingerStart = 0), false);
    if (n >= this.#o.batchSize || this.#inFlight.size === 0) return true;
    if (this.#lingerStart === 0) this.#lingerStart = Date.now();
    if (Date.now() - this.#lingerStart < this.#o.lingerMs) return false;
    this.#lingerStart = 0;
    return true;
  }

  /** How many queued ballots the next batch takes: batchSize at most, and no more payload bytes than a transaction may carry. */
  #nextBatchLength(): number {
    let bytes = 0;
    let n = 0;
    while (n < this.#queue.length && n < this.#o.batchSize) {
      bytes += payloadBytes(this.#queue[n]) + VOTE_OVERHEAD_BYTES;
      if (n > 0 && bytes > BATCH_PAYLOAD_BYTES) break;
      n++;
    }
    return n;
  }

  async #sendBatch() {
    const batch = this.#queue.slice(0, this.#nextBatchLength());
    const votes = batch.map((r) => loadVote(r.vote));
    const ms = this.stats.ms;
    let t = performance.now();
    const lap = (k: keyof typeof ms) => ((ms[k] += performance.now() - t), (t = performance.now()));
    const data = encodeCastVotes(votes);
    const gasLimit = await this.#gasLimit(votes, data);
    lap("estimate");
    const tx: TxRecord = { nonce: this.#nonce, hashes: [], raw: "", receiptIds: batch.map((r) => r.receiptId) };
    this.#sign(tx, data, gasLimit);
    lap("sign");
    // Journal first: from here on, a crash finds this transaction and its ballots.
    await this.journal.recordTransaction(tx, batch);
    lap("journal");
    this.#queue.splice(0, batch.length);
    this.#nonce += 1;
    this.#track(tx, Date.now());
    this.stats.transactions += 1;
    // Not awaited: the next batch is signed meanwhile. Not sent? #retryVanished sends it again.
    void this.#send(tx).catch(() => {});
    lap("send");
    this.#log("relay.tx_sent", { nonce: tx.nonce, ballots: batch.length });
  }

  /**
   * Gas for a batch. eth_estimateGas would run the whole batch once more on the node (as
   * much work as mining it, under the node's one EVM lock): a bound per vote from the
   * ballot's shape is used instead, and estimation only after a batch ran out of gas.
   */
  async #gasLimit(votes: SignedVote[], data: Buffer, estimate = this.#estimate): Promise<bigint> {
    if (estimate) {
      // A gas ceiling named: without one, urne's chain estimates a BallotBox call within its
      // small sealing-EVM budget (docs/CHAIN.md §5.2), too little for a batch.
      const estimate = await this.view.provider.estimateGas({ from: this.wallet.address, to: this.view.address, data: "0x" + data.toString("hex"), gasLimit: BLOCK_GAS_CAP });
      return min((estimate * 6n) / 5n + 50_000n, BLOCK_GAS_CAP);
    }
    let gas = BATCH_BASE_GAS;
    const slotsOf = new Map<bigint, number>(); // a batch is mostly one ballot: read it once
    for (const vote of votes) {
      const id = vote.ballotId;
      let slots = slotsOf.get(id);
      if (slots === undefined) {
        const ballot = await this.view.ballot(id);
        // Counter slots a vote may touch: 8 counters per slot, N of them, or 6N for majority judgment.
        slots = ballot ? Math.ceil((ballot.kind === BallotKind.MajorityJudgment ? MJ_GRADE_COUNT : 1) * ballot.optionCount / 8) : 0;
        slotsOf.set(id, slots);
      }
      gas += this.#o.voteGas + BigInt(slots) * SLOT_GAS + BigInt((vote.payload.length - 2) / 2) * PAYLOAD_GAS_PER_BYTE;
    }
    return min(gas, BLOCK_GAS_CAP);
  }

  #sign(tx: TxRecord, data: Buffer, gasLimit: bigint) {
    const tip = this.#o.maxPriorityFeePerGas;
    // cast-votes-tx.ts: ethers' signTransaction, byte for byte, without its copies of the calldata.
    const signed = signCastVotes(this.wallet.signingKey, {
      chainId: this.#chainId, nonce: tx.nonce, to: this.view.address, data, gasLimit,
      // Room for the base fee to rise, and at least the node's price (its floor on urne's chain).
      maxPriorityFeePerGas: tip, maxFeePerGas: max(this.#baseFee * 3n, this.#gasPrice * 2n) + tip,
    });
    tx.raw = signed.raw;
    tx.hashes.push(signed.hash);
  }

  #track(tx: TxRecord, lastSeen: number) {
    this.#inFlight.set(tx.nonce, { tx, lastSeen });
    for (const h of tx.hashes) this.#byHash.set(h, tx.nonce);
  }

  #send(tx: TxRecord): Promise<unknown> {
    return this.view.provider.send("eth_sendRawTransaction", [tx.raw]);
  }

  /** Reads every new block and settles our transactions found in it. */
  async #scan() {
    const p = this.view.provider;
    const head = await p.getBlockNumber();
    while (this.#scanned < head) {
      const block = await p.getBlock(this.#scanned + 1);
      if (!block) return;
      this.#baseFee = block.baseFeePerGas ?? this.#baseFee;
      if (this.#scanned + 1 === head) this.#gasPrice = BigInt(await p.send("eth_gasPrice", []));
      // Our transactions of the block: receipts asked all at once, settled in block order.
      const ours = block.transactions.flatMap((hash) => {
        const nonce = this.#byHash.get(hash);
        const flight = nonce === undefined ? undefined : this.#inFlight.get(nonce);
        return flight ? [{ flight, receipt: p.getTransactionReceipt(hash) }] : [];
      });
      await Promise.allSettled(ours.map((o) => o.receipt)); // none left unhandled if one fails
      for (const { flight, receipt } of ours) {
        const mined = await receipt;
        if (mined) await this.#settleMined(flight.tx, mined);
      }
      this.#scanned = block.number;
    }
  }

  /** Transactions the node has not shown for a while: still known? else send again. */
  async #retryVanished() {
    const now = Date.now();
    const p = this.view.provider;
    for (const [nonce, flight] of [...this.#inFlight].sort((a, b) => a[0] - b[0])) {
      if (now - flight.lastSeen < this.#o.vanishAfterMs) continue;
      const mined = await this.#minedVersion(flight.tx);
      if (mined) {
        await this.#settleMined(flight.tx, mined);
        continue;
      }
      const current = flight.tx.hashes[flight.tx.hashes.length - 1];
      if (await p.getTransaction(current)) {
        flight.lastSeen = now; // waiting in the node's pool
        continue;
      }
      try {
        await this.#send(flight.tx); // the node lost it (restart): the same bytes again
        this.stats.resent += 1;
        flight.lastSeen = now;
        this.#log("relay.tx_resent", { nonce });
      } catch (error) {
        if ((await p.getTransactionCount(this.wallet.address, "latest")) > nonce) {
          if (!(await this.#minedVersion(flight.tx))) await this.#nonceConsumed(flight.tx);
          continue;
        }
        // Refused for another reason (fees moved): same nonce, same ballots, signed again.
        this.#log("relay.tx_resigned", { nonce, error: String((error as Error).message ?? error).slice(0, 200) });
        const receipts = await this.#receipts(flight.tx);
        const votes = receipts.map((r) => loadVote(r.vote));
        const data = encodeCastVotes(votes);
        this.#sign(flight.tx, data, await this.#gasLimit(votes, data, true));
        await this.journal.recordTransaction(flight.tx, receipts);
        this.#track(flight.tx, now);
        this.stats.resigned += 1;
        await this.#send(flight.tx).catch(() => {});
      }
    }
  }

  async #minedVersion(tx: TxRecord): Promise<TransactionReceipt | undefined> {
    for (const h of tx.hashes) {
      const r = await this.view.provider.getTransactionReceipt(h);
      if (r) return r;
    }
    return undefined;
  }

  async #receipts(tx: TxRecord): Promise<Receipt[]> {
    const all = await Promise.all(tx.receiptIds.map((id) => this.journal.receipt(id)));
    return all.filter((r): r is Receipt => r !== undefined);
  }

  /** Settles each ballot of a mined transaction from its own log (settlement.ts). */
  async #settleMined(tx: TxRecord, mined: TransactionReceipt) {
    if (mined.status !== 1) {
      this.#log("relay.tx_reverted", { nonce: tx.nonce, txHash: mined.hash, gasUsed: mined.gasUsed.toString() });
      this.#estimate = true; // the per-vote bound was too low for some ballot: estimate from now on
    }
    await this.#apply(tx, await minedOutcome(this.view, await this.#receipts(tx), mined));
  }

  /** Another transaction took this nonce. */
  async #nonceConsumed(tx: TxRecord) {
    this.#log("relay.nonce_consumed", { nonce: tx.nonce });
    await this.#apply(tx, await unminedOutcome(this.view, await this.#receipts(tx)));
  }

  async #apply(tx: TxRecord, { settled, requeued }: Outcome) {
    await this.journal.settle({ settled, requeued, dropTx: tx.nonce });
    this.#untrack(tx);
    this.#requeue(requeued);
    this.stats.settled += settled.length;
    this.#o.onSettled?.(settled);
  }

  #untrack(tx: TxRecord) {
    this.#inFlight.delete(tx.nonce);
    for (const h of tx.hashes) this.#byHash.delete(h);
  }

  #requeue(receipts: Receipt[]) {
    if (receipts.length === 0) return;
    this.#queue = [...receipts, ...this.#queue].sort((a, b) => a.seq - b.seq);
  }

  #log(event: string, fields: Record<string, unknown>) {
    this.#o.log?.(event, fields);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
