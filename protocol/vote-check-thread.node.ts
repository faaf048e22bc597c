// One thread of the VoteCheckPool (vote-check-pool.node.ts): runs the jobs of
// vote-check.node.ts, nothing else, with the same fast primitives as the pool's inline
// path; one answer message per request message.
import { parentPort } from "node:worker_threads";
import type { ThreadAnswer, ThreadRequest } from "./vote-check-pool.node.js";
import { checkRawBlocks, checkVoteCast, checkVoteFast } from "./vote-check.node.js";
import { verifySealedBallotNative } from "./sealed/verify-sealed.node.js";

function answer(request: ThreadRequest): ThreadAnswer {
  switch (request.kind) {
    case "votes":
      return {
        id: request.id,
        outcomes: request.checks.map(({ ballot, vote, ctx }) => {
          try {
            return checkVoteFast(request.ballots[ballot], vote, ctx);
          } catch {
            return null; // the caller checks again in its own thread, to throw the very same error
          }
        }),
      };
    case "logs":
      return { id: request.id, outcomes: request.jobs.map((job) => checkVoteCast(job, request.at)) };
    case "blocks":
      return { id: request.id, outcomes: checkRawBlocks(request.blocks, request.at) };
    case "sealed":
      try {
        return { id: request.id, outcomes: [verifySealedBallotNative(request.input)] };
      } catch {
        return { id: request.id, outcomes: [false] }; // the caller checks again, to throw the very same error
      }
  }
}

parentPort!.on("message", (request: ThreadRequest) => {
  let out: ThreadAnswer;
  try {
    out = answer(request);
  } catch (error) {
    out = { id: request.id, error: (error as Error).message };
  }
  parentPort!.postMessage(out);
});
