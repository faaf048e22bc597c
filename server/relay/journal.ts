// The relay's durable memory (docs/ARCHITECTURE.md §3 step 6, §6): every ballot it acknowledges is
// in this journal, synced, BEFORE the 202 leaves, and every transaction it signs is here
// before it is sent. With both, a crash at any point leaves each acknowledged ballot
// either pending (to submit) or in a known transaction (to look up, or send again).
//
// One sublevel "relay" of a LevelDB (the API's, or its own), JSON values:
//   receipt!<id>                          Receipt
//   pending!<seq, 12 digits>              receipt id, for ballots in no transaction; keys sort in arrival order
//   vote!<ballotId>!<voter>!<revision>    receipt id (idempotent submission; revision 10 digits)
//   tx!<nonce, 12 digits>                 TxRecord, until all its ballots are settled
//   meta!seq                              last arrival number given
//   closing!<ballotId>                    Unix seconds until which a settle refuses the ballot's new ballots
// No IP address and no clock time is stored: `seq` is an arrival order, nothing more.
import { Level } from "level";
import { ensurePrivateDir } from "../config/private-file.js";
import type { ReceiptStatus } from "../../protocol/api-types.js";
import type { SignedVote } from "../../protocol/index.js";
import { FinalityCounts } from "./finality.js";

/** The status the relay keeps is the one it answers (protocol/api-types.ts). */
export type { ReceiptStatus };

/** A SignedVote as JSON: ballotId as a decimal string. */
export type StoredVote = Omit<SignedVote, "ballotId"> & { ballotId: string };

export type Receipt = {
  receiptId: string;
  /** Arrival order (not a time). */
  seq: number;
  vote: StoredVote;
  status: ReceiptStatus;
  /** Transaction that counted (final) or refused (rejected) it; while submitted, the current one. */
  txHash?: string;
  blockNumber?: number;
  /** The contract's error name, for a rejected ballot. */
  reason?: string;
};

/** A signed castVotes transaction, journaled before it is sent. */
export type TxRecord = {
  nonce: number;
  /** Every signed version for this nonce, newest last: at most one is ever mined. */
  hashes: string[];
  /** The newest signed version (raw), sent again if the node forgets it. */
  raw: string;
  receiptIds: string[];
};

type Value = Receipt | TxRecord | string | number;
type Batch = { type: "put"; key: string; value: Value } | { type: "del"; key: string };

// classic-level honours `sync` (fsync before returning); sublevels pass it to their root.
const SYNC = { sync: true } as never;
/** ~1 KB each: a few MB for the receipts being polled now. */
const RECEIPT_CACHE = 20_000;
const pad = (n: number, digits: number) => String(n).padStart(digits, "0");
export const voteKey = (v: { ballotId: bigint | string; voter: string; revision: number }) =>
  `vote!${v.ballotId}!${v.voter.toLowerCase()}!${pad(v.revision, 10)}`;
const pendingKey = (seq: number) => `pending!${pad(seq, 12)}`;
const txKey = (nonce: number) => `tx!${pad(nonce, 12)}`;

export const storeVote = (v: SignedVote): StoredVote => ({
  ballotId: v.ballotId.toString(), voter: v.voter, revision: v.revision,
  payload: v.payload, tokenSignature: v.tokenSignature, voterSignature: v.voterSignature,
});
export const loadVote = (v: StoredVote): SignedVote => ({ ...v, ballotId: BigInt(v.ballotId) });

export class RelayJournal {
  #seq = 0;
  /** Appends waiting for the next group commit: one fsync for many ballots. */
  #queue: { receipt: Receipt; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #flushing = false;
  #owned: Level<string, unknown> | undefined;
  /**
   * Receipts as last written, newest last, at most RECEIPT_CACHE: every voter polls its
   * receipt until final (GET /v1/receipts/:id, several times per ballot), and a LevelDB read
   * per poll was a visible share of the service's CPU. Filled only once a write is synced,
   * so a read never shows a state that a crash could take back; handed out as copies.
   */
  readonly #cache = new Map<string, Receipt>();
  /** Per ballot: receipts journaled and final (rebuilt at open, kept up to date by each write). */
  readonly finality = new FinalityCounts();
  /** Per ballot being closed early: Unix seconds until which its new ballots are refused (settle). */
  readonly #closing = new Map<string, number>();

  private constructor(private readonly db: ReturnType<Level<string, unknown>["sublevel"]>) {}

  /** Opens the journal in `db` (the API's LevelDB) or in a LevelDB of its own at a path. */
  static async open(db: Level<string, unknown> | string): Promise<RelayJournal> {
    // A LevelDB of its own: the owner's only (LevelDB would create it 0755), even if it existed.
    if (typeof db === "string") await ensurePrivateDir(db);
    const owned = typeof db === "string" ? new Level<string, unknown>(db, { valueEncoding: "json" }) : undefined;
    const root = owned ?? (db as Level<string, unknown>);
    await root.open();
    const journal = new RelayJournal(root.sublevel<string, Value>("relay", { valueEncoding: "json" }) as never);
    journal.#owned = owned;
    journal.#seq = ((await journal.db.get("meta!seq")) as number | undefined) ?? 0;
    for await (const r of journal.db.values({ gt: "receipt!", lt: "receipt!~" })) {
      journal.finality.add((r as Receipt).vote.ballotId, (r as Receipt).status);
    }
    for await (const [key, until] of journal.db.iterator({ gt: "closing!", lt: "closing!~" })) {
      journal.#closing.set(key.slice("closing!".length), until as number);
    }
    return journal;
  }

  /**
   * Journals a new ballot as pending and resolves once it is on disk (synced). Appends
   * that arrive while a write is under way go together in the next one (group commit).
   */
  append(receiptId: string, vote: SignedVote): Promise<Receipt> {
    const receipt: Receipt = { receiptId, seq: ++this.#seq, vote: storeVote(vote), status: "pending" };
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ receipt, resolve, reject });
      void this.#flush();
    }).then(() => receipt);
  }

  async #flush() {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0);
        const ops: Batch[] = [];
        for (const { receipt } of group) {
          ops.push({ type: "put", key: `receipt!${receipt.receiptId}`, value: receipt });
          ops.push({ type: "put", key: pendingKey(receipt.seq), value: receipt.receiptId });
          ops.push({ type: "put", key: voteKey(receipt.vote), value: receipt.receiptId });
        }
        ops.push({ type: "put", key: "meta!seq", value: group[group.length - 1].receipt.seq });
        try {
          await this.db.batch(ops as never, SYNC);
          for (const g of group) {
            this.#remember(g.receipt);
            this.finality.add(g.receipt.vote.ballotId);
            g.resolve();
          }
        } catch (error) {
          for (const g of group) g.reject(error);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  async receipt(receiptId: string): Promise<Receipt | undefined> {
    const cached = this.#cache.get(receiptId);
    if (cached) return { ...cached };
    return (await this.db.get(`receipt!${receiptId}`)) as Receipt | undefined;
  }

  /** After a synced write: this receipt's state on disk. */
  #remember(r: Receipt) {
    this.#cache.delete(r.receiptId); // re-inserted last: the oldest go first
    this.#cache.set(r.receiptId, { ...r });
    if (this.#cache.size > RECEIPT_CACHE) this.#cache.delete(this.#cache.keys().next().value as string);
  }

  receiptIdOf(vote: { ballotId: bigint | string; voter: string; revision: number }): Promise<string | undefined> {
    return this.db.get(voteKey(vote)) as Promise<string | undefined>;
  }

  /** The receipt of the voter's highest journaled revision in a ballot, if any. */
  async latestOfVoter(ballotId: bigint, voter: string): Promise<Receipt | undefined> {
    const prefix = `vote!${ballotId}!${voter.toLowerCase()}!`;
    for await (const id of this.db.values({ gt: prefix, lt: prefix + "~", reverse: true, limit: 1 })) {
      return this.receipt(id as string);
    }
    return undefined;
  }

  /** Pending ballots in arrival order. */
  async pending(): Promise<Receipt[]> {
    const out: Receipt[] = [];
    for await (const id of this.db.values({ gt: "pending!", lt: "pending!~" })) {
      const r = await this.receipt(id as string);
      if (r) out.push(r);
    }
    return out;
  }

  /** Transactions signed and not yet settled, by nonce. */
  async transactions(): Promise<TxRecord[]> {
    const out: TxRecord[] = [];
    for await (const value of this.db.values({ gt: "tx!", lt: "tx!~" })) out.push(value as TxRecord);
    return out;
  }

  /** Before a transaction is sent: its ballots leave the pending list for it. */
  recordTransaction(tx: TxRecord, receipts: Receipt[]): Promise<void> {
    const ops: Batch[] = [{ type: "put", key: txKey(tx.nonce), value: tx }];
    const txHash = tx.hashes[tx.hashes.length - 1];
    for (const r of receipts) {
      Object.assign(r, { status: "submitted", txHash });
      ops.push({ type: "put", key: `receipt!${r.receiptId}`, value: r });
      ops.push({ type: "del", key: pendingKey(r.seq) });
    }
    return this.db.batch(ops as never, SYNC).then(() => {
      for (const r of receipts) this.#remember(r);
    });
  }

  /**
   * Settles receipts (final or rejected) and puts others back to pending (to pack again),
   * and drops the transaction record once nothing refers to it.
   */
  settle(opts: { settled: Receipt[]; requeued?: Receipt[]; dropTx?: number }): Promise<void> {
    const ops: Batch[] = [];
    for (const r of opts.settled) ops.push({ type: "put", key: `receipt!${r.receiptId}`, value: r });
    for (const r of opts.requeued ?? []) {
      r.status = "pending";
      delete r.txHash;
      ops.push({ type: "put", key: `receipt!${r.receiptId}`, value: r });
      ops.push({ type: "put", key: pendingKey(r.seq), value: r.receiptId });
    }
    if (opts.dropTx !== undefined) ops.push({ type: "del", key: txKey(opts.dropTx) });
    if (!ops.length) return Promise.resolve();
    return this.db.batch(ops as never, SYNC).then(() => {
      for (const r of [...opts.settled, ...(opts.requeued ?? [])]) this.#remember(r);
      for (const r of opts.settled) this.finality.settled(r.vote.ballotId, r.status);
    });
  }

  /** Until when (Unix seconds) a settle refuses the ballot's new ballots, if one ever did. */
  closingUntil(ballotId: bigint | string): number | undefined {
    return this.#closing.get(String(ballotId));
  }

  /**
   * A settle's refusal, in force at once and on disk (synced) when this resolves, so that a
   * relay restarted before the close is mined still refuses (PROTOCOL.md §6.4). A later
   * `until` replaces an earlier one, never the reverse. Once past, a refusal refuses nothing;
   * the next one for the ballot replaces it.
   */
  async setClosing(ballotId: bigint | string, until: number): Promise<void> {
    const id = String(ballotId);
    const kept = Math.max(this.#closing.get(id) ?? 0, until);
    this.#closing.set(id, kept);
    await this.db.put(`closing!${id}`, kept, SYNC);
  }

  async close(): Promise<void> {
    await this.#owned?.close();
  }
}
