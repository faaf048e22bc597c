// One thread of the relay's CheckPool (check-pool.ts): runs checkVote, nothing else, with
// the same fast key recovery and token check as the pool's inline path (checkVoteFast),
// a batch of checks per message, one answer message per batch.
import { parentPort } from "node:worker_threads";
import { checkVoteFast, type CheckAnswer, type CheckBatch } from "./check-pool.js";

parentPort!.on("message", ({ ballots, batch }: CheckBatch) => {
  const answers: CheckAnswer[] = batch.map(({ id, ballot, vote, ctx }) => {
    try {
      return { id, result: checkVoteFast(ballots[ballot], vote, ctx) };
    } catch {
      return { id, failed: true }; // the caller checks again in its own thread, to throw the very same error
    }
  });
  parentPort!.postMessage(answers);
});
