// Closing a ballot early without losing an acknowledged ballot (PROTOCOL.md §6.4): before
// the organizer's closeBallot transaction, the vote host asks the relay to stop taking
// ballots for it and to land every ballot it acknowledged. The request is signed by the
// ballot's organizer account (EIP-191), so that nobody else can make a relay stop taking a
// ballot's votes; it names chain, ballot box and ballot, and expires.
import { verifyMessage } from "ethers";

/** Longest a settle request may ask the relay to refuse a ballot's new ballots. */
export const SETTLE_MAX_SECONDS = 600;

export type SettleRequest = { chainId: bigint; ballotBox: string; ballotId: bigint; expiresAt: number };

/** The text the organizer signs (personal_sign / EIP-191). */
export function settleMessage(r: SettleRequest): string {
  return `urne relay settle v1\nchain: ${r.chainId}\nballot box: ${r.ballotBox.toLowerCase()}\nballot: ${r.ballotId}\nexpires: ${r.expiresAt}`;
}

/** The address that signed `signature` over the request's text (throws on a malformed signature). */
export function settleSigner(r: SettleRequest, signature: string): string {
  return verifyMessage(settleMessage(r), signature);
}
