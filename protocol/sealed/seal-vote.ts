// One voter's sealed ballot from what the chain says of the ballot (PROTOCOL.md §11.4-§11.5):
// the context built for this chain, BallotBox, ballot, election key (with its ceremony
// digest), rules and voter, then the choice sealed under it. What the widget runs in the
// browser (in its sealing worker, client/workers/seal-worker.ts), and what tests and tools
// that vote like it use. The ballot's audit file (the Benaloh challenge, ballot-audit.ts)
// is made only when asked: the randomness it reveals must never leave for a ballot cast.
import { getBytes, hexlify } from "ethers";
import type { BallotRules } from "../ballot.js";
import type { Choice } from "../payload.js";
import { electionKeyHash, sealedContext } from "./ballot-context.js";
import { decodePoint } from "./group.js";
import { ballotAudit, serializeBallotAudit } from "./ballot-audit.js";
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

export type SealedVote = {
  /** The payload to sign and send, 0x hex. */
  payload: string;
  /** keccak256(payload), 0x hex, and as people read it. */
  tracker: string;
  trackerText: string;
  /** The audit file of this ballot (its randomness revealed): a ballot audited must never be cast. */
  audit(): string;
};

/** Seals `input.choice`; `onProgress` follows the proofs made (sealed-ballot.ts). */
export function sealVote(input: SealVoteInput, onProgress?: (done: number, total: number) => void): SealedVote {
  const key = getBytes(input.electionKey);
  const keyHash = electionKeyHash(key, input.keyCeremonyDigest);
  const context = sealedContext({
    chainId: input.chainId, ballotBox: input.ballotBox, ballotId: input.ballotId,
    electionKeyHash: keyHash, rules: input.rules, voter: input.voter,
  });
  const electionKey = decodePoint(key, "electionKey");
  const sealed = sealBallot({ context, electionKey, rules: input.rules, choice: input.choice, onProgress });
  return {
    payload: hexlify(sealed.payload), tracker: sealed.tracker, trackerText: trackerText(sealed.tracker),
    audit: () => serializeBallotAudit(ballotAudit({ ...input, electionKey, electionKeyHash: keyHash, sealed })),
  };
}
