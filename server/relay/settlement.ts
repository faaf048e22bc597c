// What became of each ballot of a transaction, from the chain's own record (PROTOCOL.md
// §6.2, §6.5): castVotes emits exactly one VoteCast or VoteRejected per vote, in order.
// A rejection "already voted" / "stale revision" may mean this very ballot was counted
// earlier (an earlier transaction of ours, or anybody: castVotes is open), so it is looked
// up in the VoteCast logs before the receipt says "rejected".
import type { TransactionReceipt } from "ethers";
import { ballotBoxInterface, errorName, type BallotBoxView } from "./ballot-box-view.js";
import { loadVote, type Receipt } from "./journal.js";

export type Outcome = { settled: Receipt[]; requeued: Receipt[] };

const VOTE_CAST = ballotBoxInterface.getEvent("VoteCast")!.topicHash;
const VOTE_REJECTED = ballotBoxInterface.getEvent("VoteRejected")!.topicHash;

/** Outcome of a mined transaction. A reverted one counted nothing: all its ballots go back in the queue. */
export async function minedOutcome(view: BallotBoxView, receipts: Receipt[], mined: TransactionReceipt): Promise<Outcome> {
  if (mined.status !== 1) return { settled: [], requeued: receipts };
  // One VoteCast or VoteRejected per vote, in order; only rejections need decoding (their reason).
  const box = view.address.toLowerCase();
  const events = mined.logs.filter((l) => l.address.toLowerCase() === box && (l.topics[0] === VOTE_CAST || l.topics[0] === VOTE_REJECTED));
  const settled: Receipt[] = [];
  for (const [i, r] of receipts.entries()) {
    const log = events[i];
    if (log?.topics[0] === VOTE_CAST) {
      settled.push({ ...r, status: "final", txHash: mined.hash, blockNumber: mined.blockNumber });
      continue;
    }
    const reason = errorName(log && ballotBoxInterface.parseLog(log)?.args.reason) ?? "unknown";
    const cast = reason === "BallotBoxAlreadyVoted" || reason === "BallotBoxStaleRevision" ? await view.findCast(loadVote(r.vote)) : undefined;
    settled.push(cast
      ? { ...r, status: "final", txHash: cast.txHash, blockNumber: cast.blockNumber }
      : { ...r, status: "rejected", txHash: mined.hash, blockNumber: mined.blockNumber, reason });
  }
  return { settled, requeued: [] };
}

/** Outcome of ballots whose transaction will never be mined: final if counted anyway, else queued again. */
export async function unminedOutcome(view: BallotBoxView, receipts: Receipt[]): Promise<Outcome> {
  const out: Outcome = { settled: [], requeued: [] };
  for (const r of receipts) {
    const cast = await view.findCast(loadVote(r.vote));
    if (cast) out.settled.push({ ...r, status: "final", ...cast });
    else out.requeued.push(r);
  }
  return out;
}
