// What became of each ballot of a transaction, from the chain's own record (PROTOCOL.md
// §6.2, §6.5): castVotes emits exactly one VoteCast or VoteRejected per vote, in order.
// A rejection "already voted" / "stale revision" may mean this very ballot was counted
// earlier (an earlier transaction of ours, or anybody: castVotes is open), so it is looked
// up in the VoteCast logs before the receipt says "rejected".
import type { TransactionReceipt } from "ethers";
import { ballotBoxInterface, errorName, type BallotBoxView } from "./ballot-box-view.js";
import { loadVote, type Receipt } from "./journal.js";

export type Outcome = { settled: Receipt[]; requeued: Receipt[] };

/** Outcome of a mined transaction. A reverted one counted nothing: all its ballots go back in the queue. */
export async function minedOutcome(view: BallotBoxView, receipts: Receipt[], mined: TransactionReceipt): Promise<Outcome> {
  if (mined.status !== 1) return { settled: [], requeued: receipts };
  const events = mined.logs
    .filter((l) => l.address.toLowerCase() === view.address.toLowerCase())
    .map((l) => ballotBoxInterface.parseLog(l))
    .filter((e) => e?.name === "VoteCast" || e?.name === "VoteRejected");
  const settled: Receipt[] = [];
  for (const [i, r] of receipts.entries()) {
    const e = events[i];
    if (e?.name === "VoteCast") {
      settled.push({ ...r, status: "final", txHash: mined.hash, blockNumber: mined.blockNumber });
      continue;
    }
    const reason = errorName(e?.args.reason) ?? "unknown";
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
