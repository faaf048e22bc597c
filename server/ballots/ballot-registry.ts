// What the API keeps about each ballot it created: the organizer app, the draft as
// accepted, the issuer key's id and the chain receipt. The chain remains the truth for
// everything it holds (schedule, counts, closing); this is the API's index into it.
import { SYNC, type ApiStore } from "../store/api-store.js";
import type { BallotDraft } from "./ballot-input.js";

export type BallotRecord = {
  /** On-chain ballot id, decimal. */
  id: string;
  appId: string;
  draft: BallotDraft;
  issuerKeyId: string;
  /** The JWK "n" of the issuer key, base64url (public). */
  issuerModulus: string;
  /**
   * Where the ballot is on chain. `fingerprint` (PROTOCOL.md §6.7) is the hash of its
   * BallotCreated event, absent from records made before it existed (read from the chain then).
   */
  chain: { chainId: string; ballotBox: string; organizer: string; txHash: string; blockNumber: number; fingerprint?: string };
  createdAt: string;
  /** A sealed ballot's election key, key ceremony transcript digest, trustees and threshold, as sent to createSealedBallot. */
  sealed?: { electionKey: string; keyCeremonyDigest: string; trustees: string[]; threshold: number };
  /** Set when closed through the API; `closedAt` in Unix seconds, from the chain. */
  closed?: { txHash: string; blockNumber: number; tokensIssued: number; closedAt: number };
};

/** Ids sort numerically within 20 digits (uint64 ids go beyond any real count). */
const sortable = (id: string) => id.padStart(20, "0");

export class BallotRegistry {
  private readonly ballots;
  private readonly byApp;

  constructor(store: ApiStore) {
    this.ballots = store.sublevel<BallotRecord>("ballots");
    this.byApp = store.sublevel<string>("ballots-by-app");
  }

  async put(record: BallotRecord): Promise<void> {
    await this.ballots.db.batch([
      { type: "put", sublevel: this.ballots, key: sortable(record.id), value: record },
      { type: "put", sublevel: this.byApp, key: `${record.appId}!${sortable(record.id)}`, value: record.id },
    ] as never, SYNC);
  }

  async update(record: BallotRecord): Promise<void> {
    await this.ballots.put(sortable(record.id), record, SYNC);
  }

  async get(id: string): Promise<BallotRecord | undefined> {
    if (!/^[1-9][0-9]{0,19}$/.test(id)) return undefined;
    return this.ballots.get(sortable(id));
  }

  /** The app's ballots, newest first; `before` (a ballot id) starts the page after it. */
  async listByApp(appId: string, page: { limit?: number; before?: string } = {}): Promise<BallotRecord[]> {
    const out: BallotRecord[] = [];
    const upper = page.before === undefined ? `${appId}!~` : `${appId}!${sortable(page.before)}`;
    for await (const id of this.byApp.values({ gt: `${appId}!`, lt: upper, reverse: true, limit: page.limit ?? 100 })) {
      const record = await this.get(id);
      if (record) out.push(record);
    }
    return out;
  }

  /** Every app's ballots, newest first; `before` (a ballot id) starts the page after it. */
  async list(page: { limit?: number; before?: string } = {}): Promise<BallotRecord[]> {
    const out: BallotRecord[] = [];
    const range = page.before === undefined ? {} : { lt: sortable(page.before) };
    for await (const record of this.ballots.values({ ...range, reverse: true, limit: page.limit ?? 100 })) out.push(record);
    return out;
  }

  async all(): Promise<BallotRecord[]> {
    const out: BallotRecord[] = [];
    for await (const record of this.ballots.values()) out.push(record);
    return out;
  }
}
