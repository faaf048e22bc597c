// One voter's sealed ballot from what the chain says of the ballot (PROTOCOL.md §11.4-§11.5):
// the context built for this chain, BallotBox, ballot, election key (with its ceremony
// digest), rules and voter, then the choice sealed under it. What the widget runs in the
// browser, and what tests and tools that vote like it use.
import { getBytes, hexlify } from "ethers";
import type { BallotRules } from "../ballot.js";
import type { Choice } from "../payload.js";
import { electionKeyHash, sealedContext } from "./ballot-context.js";
import { decodePoint } from "./group.js";
import { sealBallot } from "./sealed-ballot.js";
import { trackerText } from "./tracker.js";

export type SealVoteInput = {
  chainId: bigint;
  ballotBox: string;
  ballotId: bigint;
  /** BallotSealed's electionKey and keyCeremonyDigest, 0x hex. */
  electionKey: string;
  keyCeremonyDigest: string;
  rules: BallotRules;
  voter: string;
  choice: Choice;
};

/** The payload (0x hex) to sign and send, its tracker (0x hex) and the tracker as people read it. */
export function sealVote(input: SealVoteInput): { payload: string; tracker: string; trackerText: string } {
  const key = getBytes(input.electionKey);
  const context = sealedContext({
    chainId: input.chainId, ballotBox: input.ballotBox, ballotId: input.ballotId,
    electionKeyHash: electionKeyHash(key, input.keyCeremonyDigest), rules: input.rules, voter: input.voter,
  });
  const { payload, tracker } = sealBallot({ context, electionKey: decodePoint(key, "electionKey"), rules: input.rules, choice: input.choice });
  return { payload: hexlify(payload), tracker, trackerText: trackerText(tracker) };
}
