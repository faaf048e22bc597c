// One worker thread of the vote-check pool (vote-check-pool.ts): a batch of VoteCast
// logs decoded and checked, in order.
import { parentPort } from "node:worker_threads";
import { checkVoteCast, type Deployment, type VoteJob } from "./vote-checks.js";

parentPort!.on("message", (m: { id: number; jobs: VoteJob[]; at: Deployment }) => {
  try {
    parentPort!.postMessage({ id: m.id, outcomes: m.jobs.map((job) => checkVoteCast(job, m.at)) });
  } catch (error) {
    parentPort!.postMessage({ id: m.id, error: (error as Error).message });
  }
});
