// How the ballot service learns how many tokens the issuer signed for a ballot, to record
// it on chain at the close (PROTOCOL.md §6.4: anyone then checks votersCount <= tokensIssued).
// The issuer (server/issuer) implements it; the ballot service only reads it.

export interface TokenLedger {
  /** Number of voting tokens blind-signed for `ballotId` so far. */
  issuedCount(ballotId: bigint): Promise<number>;
  /** Stops issuance for the ballot for good and returns the final count (used at the close). */
  close?(ballotId: bigint): Promise<number>;
}

/** Used when no issuer is mounted: no token was ever signed, and 0 is the truth. */
export const NO_ISSUER_LEDGER: TokenLedger = { issuedCount: async () => 0 };
