// How far the relay's acknowledged ballots are on chain, per ballot (GET
// /v1/ballots/:id/relay; the API's results show it as `relayFinalShare`). In memory, O(1)
// per journal write; rebuilt from the journal's receipts when it opens, so nothing more is
// stored and a crash cannot leave the counts out of step.
import type { ReceiptStatus } from "./journal.js";

type Counts = { journaled: number; final: number; rejected: number };

/** A ballot's counts as GET /v1/ballots/:id/relay answers them. */
export type RelayBallotStatus = { acknowledged: number; final: number; rejected: number; finalShare: number | null };

export class FinalityCounts {
  readonly #byBallot = new Map<string, Counts>();

  #of(ballotId: string): Counts {
    let c = this.#byBallot.get(ballotId);
    if (!c) this.#byBallot.set(ballotId, (c = { journaled: 0, final: 0, rejected: 0 }));
    return c;
  }

  /** A receipt newly journaled (status pending), or read back at open with its status. */
  add(ballotId: string, status: ReceiptStatus = "pending"): void {
    const c = this.#of(ballotId);
    c.journaled++;
    if (status === "final") c.final++;
    if (status === "rejected") c.rejected++;
  }

  /** A journaled receipt settled (once: a settled receipt leaves every transaction). */
  settled(ballotId: string, status: ReceiptStatus): void {
    if (status === "final") this.#of(ballotId).final++;
    if (status === "rejected") this.#of(ballotId).rejected++;
  }

  /**
   * Share in [0, 1] of the ballot's acknowledged ballots that are final on chain; a ballot
   * the contract refused (rejected: it will never be counted) is not in the share. Null
   * when the relay acknowledged none for this ballot.
   */
  async finalShare(ballotId: bigint): Promise<number | null> {
    return this.status(ballotId).finalShare;
  }

  status(ballotId: bigint): RelayBallotStatus {
    const c = this.#byBallot.get(ballotId.toString()) ?? { journaled: 0, final: 0, rejected: 0 };
    const countable = c.journaled - c.rejected;
    return { acknowledged: c.journaled, final: c.final, rejected: c.rejected, finalShare: countable === 0 ? null : c.final / countable };
  }
}
