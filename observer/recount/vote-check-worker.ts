// One worker thread of the vote-check pool (vote-check-pool.ts): a batch of VoteCast
// logs, or of raw mirrored blocks (mirror-blocks.ts), decoded and checked, in order.
import { parentPort } from "node:worker_threads";
import { checkRawBlocks, type RawBlocks } from "./mirror-blocks.js";
import { checkVoteCast, type Deployment, type VoteJob } from "./vote-checks.js";

export type WorkerRequest = { id: number; at: Deployment } & ({ jobs: VoteJob[] } | { blocks: RawBlocks });

parentPort?.on("message", (m: WorkerRequest) => {
  try {
    const outcomes = "jobs" in m ? m.jobs.map((job) => checkVoteCast(job, m.at)) : checkRawBlocks(m.blocks, m.at);
    parentPort!.postMessage({ id: m.id, outcomes });
  } catch (error) {
    parentPort!.postMessage({ id: m.id, error: (error as Error).message });
  }
});
