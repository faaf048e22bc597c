// How far the relay's acknowledged ballots are on chain, per ballot: the relay's side of
// server/ballots/finality-reporter.ts (GET /v1/ballots/:id/results, `relayFinalShare`).
// In memory, O(1) per journal write; rebuilt from the journal's receipts when it opens,
// so nothing more is stored and a crash cannot leave the counts out of step.
import type { FinalityReporter } from "../ballots/finality-reporter.js";
import type { ReceiptStatus } from "./journal.js";

type Counts = { journaled: number; final: number; rejected: number };

export class FinalityCounts implements FinalityReporter {
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
    const c = this.#byBallot.get(ballotId.toString());
    const countable = c ? c.journaled - c.rejected : 0;
    return countable === 0 ? null : c!.final / countable;
  }
}
