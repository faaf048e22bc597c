import type { KeyObject } from "node:crypto";

/** What the issuer needs to know about one ballot; server/ballots supplies it. */
export interface IssuableBallot {
  /** The ballot's RSA-2048 issuer key (PROTOCOL.md §2.5); it never leaves the API. */
  issuerPrivateKey: KeyObject;
  rules: {
    /** Full years on the closing date (server/identity/eligibility.ts); none when absent. */
    minimumAge?: number;
    opensAt: Date;
    closesAt: Date;
  };
  /** Set once the organizer closed the ballot early; no token is issued from then on. */
  closedAt?: Date;
}

/**
 * The issuer's read-only view of the ballots. Implemented by the API core (server/ballots);
 * tests use an in-memory double. `ballotId` is the contract's id (PROTOCOL.md §2.1).
 */
export interface BallotDirectory {
  get(ballotId: bigint): Promise<IssuableBallot | undefined>;
}
