// `npm run bench -- sealed [--runs N]`: sealed ballots (protocol/sealed/, PROTOCOL.md §11),
// one thread, side by side in one process, CPU per ballot:
//   BENCH sealed_seal_ms_<kind>            seal (encrypt + prove) with @noble/curves, as the widget does
//   BENCH sealed_verify_js_ms_<kind>       verify with @noble/curves (browser, any platform)
//   BENCH sealed_verify_native_ms_<kind>   verify with libsecp256k1 (relay, trustees, recount)
//   BENCH sealed_verify_native_per_s_single  ballots verified per second per core, natively
//   BENCH sealed_share_make_ms_per_cell, sealed_share_verify_ms_per_cell   a trustee's decryption share (60 cells)
//   BENCH sealed_discrete_log_ms_1000000   a count up to 1,000,000 recovered (baby-step giant-step)
//   BENCH sealed_verify_native_2_threads_per_s  three-option ballots verified per second by 2
//                                               worker threads (what a recount or a relay gets on 2 cores)
// Kinds: single (pour/contre/abstention), multiple (1..3 of 5), mj10 (majority judgment,
// 10 candidates), and the payload size of each.
import { parseArgs } from "node:util";
import { moduleWorker, sibling } from "../../protocol/module-runtime.node.js";
import { BallotKind, type BallotRules } from "../../protocol/ballot.js";
import type { Choice } from "../../protocol/payload.js";
import { electionKeyHash, sealedContext } from "../../protocol/sealed/ballot-context.js";
import { G, encodePoint, randomScalar } from "../../protocol/sealed/group.js";
import { sealBallot, verifySealedBallot } from "../../protocol/sealed/sealed-ballot.js";
import { makeDecryptionShare, verifyDecryptionShare } from "../../protocol/sealed/decryption-share.js";
import { smallDiscreteLog } from "../../protocol/sealed/discrete-log.js";
import { verifySealedBallotNative } from "../../protocol/sealed/verify-sealed.node.js";

const { values } = parseArgs({ args: process.argv.slice(3), options: { runs: { type: "string", default: "20" } } });
const runs = Number(values.runs);
const Y = G.multiply(randomScalar());
const keyBytes = encodePoint(Y);
const keyHash = electionKeyHash(keyBytes, "0x" + "00".repeat(32));
const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${+value.toFixed(3)} ${unit}`);

/** CPU milliseconds (user + system) per call of `fn` over `n` calls, after 2 warm-up calls. */
function cpuMs(n: number, fn: (i: number) => void): number {
  fn(0);
  fn(1);
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / n;
}

const kinds: { name: string; rules: BallotRules; choice: Choice; runs: number }[] = [
  { name: "single", rules: { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 }, choice: { kind: BallotKind.SingleChoice, option: 1 }, runs },
  { name: "multiple", rules: { kind: BallotKind.MultipleChoice, optionCount: 5, minChoices: 1, maxChoices: 3 }, choice: { kind: BallotKind.MultipleChoice, options: [0, 3] }, runs },
  { name: "mj10", rules: { kind: BallotKind.MajorityJudgment, optionCount: 10, minChoices: 0, maxChoices: 0 }, choice: { kind: BallotKind.MajorityJudgment, grades: [0, 1, 2, 3, 4, 5, 5, 4, 3, 2] }, runs: Math.max(2, Math.ceil(runs / 10)) },
];

for (const k of kinds) {
  const context = sealedContext({ chainId: 1970433637n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 1n, electionKeyHash: keyHash, rules: k.rules, voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
  const payloads: Uint8Array[] = [];
  const seal = cpuMs(k.runs, () => void payloads.push(sealBallot({ context, electionKey: Y, rules: k.rules, choice: k.choice }).payload));
  const verifyJs = cpuMs(k.runs, (i) => void verifySealedBallot({ context, electionKey: Y, rules: k.rules, payload: payloads[i % payloads.length] }));
  const nativeRuns = k.runs * 10;
  const verifyNative = cpuMs(nativeRuns, (i) => verifySealedBallotNative({ context, electionKey: keyBytes, rules: k.rules, payload: payloads[i % payloads.length] }));
  bench(`sealed_payload_bytes_${k.name}`, payloads[0].length, "bytes");
  bench(`sealed_seal_ms_${k.name}`, seal, "ms");
  bench(`sealed_verify_js_ms_${k.name}`, verifyJs, "ms");
  bench(`sealed_verify_native_ms_${k.name}`, verifyNative, "ms");
  if (k.name === "single") bench("sealed_verify_native_per_s_single", 1000 / verifyNative, "ballots/s/core");
}

// A trustee's share over the 60 cells of a 10-candidate majority judgment, and the count of a cell.
const secret = randomScalar();
const statement = { tallyDigest: new Uint8Array(32), verificationKey: G.multiply(secret), aggregates: Array.from({ length: 60 }, () => G.multiply(randomScalar())) };
const shares = [makeDecryptionShare(statement, secret)];
const make = cpuMs(3, () => void shares.push(makeDecryptionShare(statement, secret)));
const check = cpuMs(3, (i) => {
  if (!verifyDecryptionShare(statement, shares[i % shares.length])) throw new Error("bench: a share did not verify");
});
bench("sealed_share_make_ms_per_cell", make / 60, "ms");
bench("sealed_share_verify_ms_per_cell", check / 60, "ms");
const count = G.multiply(654_321n);
bench("sealed_discrete_log_ms_1000000", cpuMs(3, () => {
  if (smallDiscreteLog(count, 1_000_000) !== 654_321) throw new Error("bench: wrong discrete log");
}), "ms");

// Two threads, each verifying 1,000 three-option ballots at once (the verifier's own throughput on 2 cores).
{
  const k = kinds[0];
  const context = sealedContext({ chainId: 1970433637n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 1n, electionKeyHash: keyHash, rules: k.rules, voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
  const payloads = Array.from({ length: 40 }, () => sealBallot({ context, electionKey: Y, rules: k.rules, choice: k.choice }).payload);
  const half = Array.from({ length: 1000 }, (_, i) => payloads[i % payloads.length]);
  const answers = await Promise.all([0, 1].map(() => new Promise<{ cpuMs: number; wallMs: number; verified: number }>((resolve, reject) => {
    const worker = moduleWorker(sibling(import.meta.url, "./lib/sealed-verify-thread"), { workerData: { context, electionKey: keyBytes, rules: k.rules, payloads: half } });
    worker.once("message", (m) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
  })));
  const seconds = Math.max(...answers.map((a) => a.wallMs)) / 1000;
  const verified = answers.reduce((n, a) => n + a.verified, 0);
  bench("sealed_verify_native_2_threads_per_s", verified / seconds, "ballots/s");
  bench("sealed_verify_native_2_threads_cpu_ms_per_ballot", answers.reduce((n, a) => n + a.cpuMs, 0) / verified, "ms");
}
