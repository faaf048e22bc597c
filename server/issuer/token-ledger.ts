import { createHash } from "node:crypto";
import type { AbstractLevel } from "abstract-level";
import { IssuerError } from "./errors.js";
import { KeyedLock } from "../http/keyed-lock.js";

/**
 * The issuer's only durable memory: "voter key V received a token for ballot B".
 *
 * Layout (docs/SECURITY.md, "Token issuance"), utf8 keys and values:
 * - `t:<ballotId>:<voterKey>` → `{"v":1,"b":"<SHA-256 of the blinded message, hex>"}`
 * - `c:<ballotId>` → `""`, written when issuance for the ballot is closed (see `close`).
 *
 * No time, no signature, no blinded message, no address, no name: a leak of this database
 * tells which voter keys (HMACs, not identities) took part in which ballots, nothing more.
 * The hash is kept for ONE purpose, idempotency: the same voter re-sending the same blinded
 * message (an answer lost on the network) is answered again rather than locked out. It adds
 * nothing to what the issuer saw anyway, and the blinded message is independent of the
 * token (PROTOCOL.md §3.3), so it links nobody to a voter address.
 *
 * WARNING: the record is written (synced) BEFORE the signature is handed out. If the answer
 * never reaches the voter, only a retry with the SAME blinded message gets it; a widget that
 * lost its blinded message and inverse cannot get another token for this ballot.
 */
export type RecordOutcome =
  /** First token for this voter and ballot: recorded and synced. */
  | "recorded"
  /** The same blinded message was already recorded for this voter: answer it again. */
  | "repeated";

/** Any LevelDB (or sublevel) with string keys; values are written and read as utf8. */
export type LedgerDatabase = AbstractLevel<any, string, any>;

const UTF8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
// `sync` is classic-level's (LevelDB fsync) option; abstract-level's types do not name it,
// and sublevels forward options to their parent unchanged.
const SYNCED = { ...UTF8, sync: true } as typeof UTF8;
const RECORD_VERSION = 1;
const VOTER_KEY = /^[0-9a-f]{64}$/;

export class TokenLedger {
  readonly #db: LedgerDatabase;
  readonly #lock = new KeyedLock();
  /** Records in flight per ballot, so that `close` can wait for them. */
  readonly #inFlight = new Map<string, Set<Promise<unknown>>>();

  constructor(db: LedgerDatabase) {
    this.#db = db;
  }

  /**
   * Check-and-record, atomic per (ballot, voter): exactly one blinded message per voter per
   * ballot, even under concurrent requests. Throws ERR_TOKEN_ALREADY_ISSUED for a different
   * blinded message, ERR_BALLOT_CLOSED once `close` ran. Resolves only after the record is
   * on disk (`sync: true`): a crash after the answer cannot forget a token handed out.
   */
  async record(ballotId: bigint, voterKey: string, blindedMessage: Uint8Array): Promise<RecordOutcome> {
    const id = ballotKey(ballotId);
    if (!VOTER_KEY.test(voterKey)) throw new TypeError("TokenLedger: voterKey must be 64 lowercase hex characters");
    const digest = createHash("sha256").update(blindedMessage).digest("hex");
    const key = `t:${id}:${voterKey}`;
    const work = this.#lock.run(key, async () => {
      // Checked inside the lock and after every earlier writer for this key: the order
      // "read, then write synced" is what makes one token per voter per ballot hold.
      if ((await this.#db.get(`c:${id}`, UTF8)) !== undefined) {
        throw new IssuerError("ERR_BALLOT_CLOSED", "This ballot is closed: no more voting tokens are issued.", { field: "ballotId" });
      }
      const existing = await this.#db.get(key, UTF8);
      if (existing !== undefined) {
        if (parseRecord(existing).b === digest) return "repeated" as const;
        throw new IssuerError("ERR_TOKEN_ALREADY_ISSUED", "A voting token was already issued to you for this ballot.", { field: "ballotId" });
      }
      await this.#db.put(key, JSON.stringify({ v: RECORD_VERSION, b: digest }), SYNCED);
      return "recorded" as const;
    });
    return this.#track(id, work);
  }

  /** Whether this voter key already holds a token for the ballot. */
  async has(ballotId: bigint, voterKey: string): Promise<boolean> {
    return (await this.#db.get(`t:${ballotKey(ballotId)}:${voterKey}`, UTF8)) !== undefined;
  }

  /** Number of voters who received a token for the ballot (keys only, no values read). */
  async issuedCount(ballotId: bigint): Promise<number> {
    const id = ballotKey(ballotId);
    let count = 0;
    // `;` follows `:` in ASCII: the range is exactly the keys of this ballot.
    for await (const _key of this.#db.keys({ ...UTF8, gt: `t:${id}:`, lt: `t:${id};` })) count++;
    return count;
  }

  /**
   * Stops issuance for the ballot for good, waits for records already in flight, and returns
   * the final count, the number the organizer's close publishes on chain
   * (`BallotClosed.tokensIssued`). Without the wait, a token recorded a moment after the
   * count would make `votersCount <= tokensIssued` fail for an honest issuer.
   */
  async close(ballotId: bigint): Promise<number> {
    const id = ballotKey(ballotId);
    await this.#db.put(`c:${id}`, "", SYNCED);
    // A record that passed its closed check before the put may still be writing.
    await Promise.allSettled([...(this.#inFlight.get(id) ?? [])]);
    return this.issuedCount(ballotId);
  }

  async #track<T>(id: string, work: Promise<T>): Promise<T> {
    let set = this.#inFlight.get(id);
    if (set === undefined) this.#inFlight.set(id, (set = new Set()));
    set.add(work);
    try {
      return await work;
    } finally {
      set.delete(work);
      if (set.size === 0 && this.#inFlight.get(id) === set) this.#inFlight.delete(id);
    }
  }
}

function ballotKey(ballotId: bigint): string {
  if (typeof ballotId !== "bigint" || ballotId < 0n || ballotId >= 1n << 256n) {
    throw new TypeError("TokenLedger: ballotId must be a uint256 bigint");
  }
  return ballotId.toString(10);
}

function parseRecord(value: string): { v: number; b: string } {
  const parsed = JSON.parse(value) as { v?: unknown; b?: unknown };
  if (parsed.v !== RECORD_VERSION || typeof parsed.b !== "string") {
    throw new Error("TokenLedger: unknown record format (written by a newer version?)");
  }
  return parsed as { v: number; b: string };
}
