// One thread of the relay's CheckPool (check-pool.ts): runs checkVote, nothing else.
import { parentPort } from "node:worker_threads";
import { checkVote, type BallotOnChain, type SignedVote, type VoteCheckContext } from "../../protocol/index.js";

type Job = { id: number; ballot: BallotOnChain | undefined; vote: SignedVote; ctx: VoteCheckContext };

parentPort!.on("message", ({ id, ballot, vote, ctx }: Job) => {
  try {
    parentPort!.postMessage({ id, result: checkVote(ballot, vote, ctx) });
  } catch {
    parentPort!.postMessage({ id, failed: true }); // the caller checks again in its own thread, to throw the very same error
  }
});
