// A worker thread of `npm run bench -- sealed`: verifies the sealed ballots it is given with
// the native verifier (protocol/sealed/verify-sealed.node.ts) and answers its CPU and wall
// time (the loop's only: the thread's start, which loads the code, is not the verifier's).
import { parentPort, workerData } from "node:worker_threads";
import type { BallotRules } from "../../../protocol/ballot.js";
import { verifySealedBallotNative } from "../../../protocol/sealed/verify-sealed.node.js";

const { context, electionKey, rules, payloads } = workerData as { context: Uint8Array; electionKey: Uint8Array; rules: BallotRules; payloads: Uint8Array[] };
const started = performance.now();
const before = process.cpuUsage();
for (const payload of payloads) verifySealedBallotNative({ context, electionKey, rules, payload });
const used = process.cpuUsage(before);
parentPort!.postMessage({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started, verified: payloads.length });
