// What the results say of finality, fed by the relay (server/relay) when it offers it.

/**
 * How much of a ballot's accepted votes are final on chain; the relay (server/relay)
 * implements it. Optional: without a relay, results say null.
 */
export interface FinalityReporter {
  /** Share in [0, 1] of the ballots the relay accepted that are in a final block, or null if unknown. */
  finalShare(ballotId: bigint): Promise<number | null>;
}
