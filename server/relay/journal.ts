// The relay's durable memory (docs/ARCHITECTURE.md §3 step 6, §6): every ballot it acknowledges is
// in this journal, synced, BEFORE the 202 leaves, and every transaction it signs is here
// before it is sent. With both, a crash at any point leaves each acknowledged ballot
// either pending (to submit) or in a known transaction (to look up, or send again).
//
// One sublevel "relay" of its own LevelDB (<data>/relay, opened through
// server/store/durable-level.ts: checked before it is opened, refused if damaged), JSON values:
//   receipt!<id>                          Receipt
//   pending!<seq, 12 digits>              receipt id, for ballots in no transaction; keys sort in arrival order
//   vote!<ballotId>!<voter>!<revision>    receipt id (idempotent submission; revision 10 digits)
//   tx!<nonce, 12 digits>                 TxRecord, until all its ballots are settled
//   meta!seq                              last arrival number given
//   closing!<ballotId>                    Unix seconds until which a settle refuses the ballot's new ballots
// No IP address and no clock time is stored: `seq` is an arrival order, nothing more.
// Beside it, URNE-FINAL: the highest final receipt's block and transaction (final-record.ts).
import path from "node:path";
import type { Level } from "level";
import type { ReceiptStatus } from "../../protocol/api-types.js";
import type { SignedVote } from "../../protocol/index.js";
import { openStore, type DurableLevel, type StoreHealth } from "../store/durable-level.js";
import { SlotFile, readSlotFile } from "../store/slot-file.js";
import type { HeldEntry } from "../store/store-check.js";
import type { StoreUnavailableError } from "../store/store-errors.js";
import { FINAL_RECORD_FILE, type FinalRecord } from "./final-record.js";
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

/**
 * Names what relay journal entries held, for store-check.ts: "29 ballots of ballot 7
 * (receipts ..., ... and 27 more)", "transaction nonce 12", "the settle of ballot 7".
 */
export function describeRelayKeys(entries: HeldEntry[]): string {
  const receipts = new Map<string, string[]>(); // ballot → receipt ids
  const other: string[] = [];
  const add = (ballot: string, id: string) => receipts.set(ballot, [...new Set([...(receipts.get(ballot) ?? []), id])]);
  for (const { key, value } of entries) {
    const k = key.startsWith("!relay!") ? key.slice("!relay!".length) : key;
    const [kind, ...rest] = k.split("!");
    if (kind === "receipt") {
      let ballot = "?";
      try {
        ballot = String((JSON.parse(value ?? "") as Receipt).vote.ballotId ?? "?");
      } catch {
        // the value did not survive: the receipt id still names the ballot's receipt
      }
      add(ballot, rest[0]);
    } else if (kind === "vote" && rest.length === 3) {
      if (!receipts.has(rest[0])) receipts.set(rest[0], []);
    } else if (kind === "tx") other.push(`transaction nonce ${Number(rest[0])}`);
    else if (kind === "closing") other.push(`the settle of ballot ${rest[0]}`);
  }
  // A receipt id whose value was lost says nothing of its ballot: fold "?" into the one ballot named, if only one.
  if (receipts.has("?") && receipts.size === 2) {
    const [named] = [...receipts.keys()].filter((b) => b !== "?");
    for (const id of receipts.get("?")!) add(named, id);
    receipts.delete("?");
  }
  const ballots = [...receipts].map(([ballot, ids]) => {
    const shown = ids.slice(0, 3).join(", ");
    const list = ids.length === 0 ? "" : ` (receipt${ids.length > 1 ? "s" : ""} ${shown}${ids.length > 3 ? ` and ${ids.length - 3} more` : ""})`;
    return `${ids.length || "some"} ballot${ids.length === 1 ? "" : "s"} of ballot ${ballot}${list}`;
  });
  return [...ballots, ...other].join(", ");
}

export class RelayJournal {
  #seq = 0;
  /** Appends waiting for the next group commit: one fsync for many ballots. */
  #queue: { receipt: Receipt; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #flushing = false;
  #store!: DurableLevel<unknown>;
  /** The final receipt with the highest block (final-record.ts), and where it is copied. */
  #highestFinal: FinalRecord | undefined;
  #finalFile!: SlotFile<FinalRecord>;
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

  /**
   * Opens the journal at `location` (a LevelDB of its own): refuses damaged files
   * (ERR_STORE_CORRUPT, nothing changed) and a journal another process holds.
   */
  static async open(location: string, log?: (event: string, fields: Record<string, unknown>) => void): Promise<RelayJournal> {
    const root = await openStore<unknown>(path.resolve(location), {
      name: "relay journal", describe: describeRelayKeys, valueEncoding: "json", log,
      inUseHint: "is a relay already running on this data directory?",
    });
    const journal = new RelayJournal(root.sublevel<string, Value>("relay", { valueEncoding: "json" }) as never);
    journal.#store = root;
    const finalFile = path.join(root.location, FINAL_RECORD_FILE);
    const previous = await readSlotFile<FinalRecord>(finalFile);
    journal.#finalFile = await SlotFile.open<FinalRecord>(finalFile, previous.state === "ok" ? previous.generation : 0);
    journal.#seq = ((await journal.db.get("meta!seq")) as number | undefined) ?? 0;
    for await (const r of journal.db.values({ gt: "receipt!", lt: "receipt!~" })) {
      journal.finality.add((r as Receipt).vote.ballotId, (r as Receipt).status);
      journal.#noteFinal(r as Receipt);
    }
    if (journal.#highestFinal) await journal.#finalFile.write(journal.#highestFinal);
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

  /** ok, or why nothing more can be journaled (and so nothing more acknowledged). */
  health(): StoreHealth {
    return this.#store.health();
  }

  /** The error every write now gets, once one failed (ERR_STORE_UNAVAILABLE); undefined while writable. */
  get failure(): StoreUnavailableError | undefined {
    return this.#store.failure;
  }

  /** The final receipt with the highest block number, if any (final-record.ts). */
  get highestFinal(): FinalRecord | undefined {
    return this.#highestFinal;
  }

  /** Whether `r` is final in a later block than the highest known; keeps it if so. */
  #noteFinal(r: Receipt): boolean {
    if (r.status !== "final" || r.blockNumber === undefined || !r.txHash) return false;
    if (this.#highestFinal && this.#highestFinal.blockNumber >= r.blockNumber) return false;
    this.#highestFinal = { blockNumber: r.blockNumber, txHash: r.txHash, receiptId: r.receiptId, ballotId: r.vote.ballotId };
    return true;
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
    return this.db.batch(ops as never, SYNC).then(async () => {
      for (const r of [...opts.settled, ...(opts.requeued ?? [])]) this.#remember(r);
      let higher = false;
      for (const r of opts.settled) {
        this.finality.settled(r.vote.ballotId, r.status);
        higher = this.#noteFinal(r) || higher;
      }
      // A copy for the chain's start-up check (final-record.ts); the relay's own check reads
      // the receipts. A fixed-size overwrite; if even that fails, the store's health says so soon.
      if (higher) await this.#finalFile.write(this.#highestFinal!).catch(() => {});
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
    await this.#finalFile.close();
    await this.#store.close();
  }
}
