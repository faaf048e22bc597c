// A worker thread that seals ballots as the widget's sealing worker does (protocol/sealed/
// seal-vote.ts), for the sealed acceptance test's 1,000 voters: sealing takes tens of ms of
// CPU each, and two of these share it with the test's own thread. Each answer carries the
// ballot's audit file too: the test plays the voters, and checks their randomness is on no disk.
import { parentPort } from "node:worker_threads";
import { sealVote, type SealVoteInput } from "../../protocol/sealed/seal-vote.js";

parentPort!.on("message", ({ id, input }: { id: number; input: SealVoteInput }) => {
  try {
    const sealed = sealVote(input);
    parentPort!.postMessage({ id, payload: sealed.payload, audit: sealed.audit() });
  } catch (error) {
    parentPort!.postMessage({ id, error: String((error as Error).stack ?? error) });
  }
});
