// `npm run bench -- recount [--votes 100000] [--keep DIR] [--threads N] [--sealed]`
// The observer tools at scale (docs/OBSERVERS.md): a ballot of N valid votes on the
// embedded chain, mirrored by `urne observe`'s engine, then recounted from the mirror by
// `urne recount`'s engine with the node stopped (a citizen's laptop: the mirror only).
//   BENCH recount.verify_per_s       votes re-verified per second by the whole recount
//   BENCH recount.mirror_<N>_s       time to mirror the chain (blocks, logs, counters)
//   BENCH recount.recount_<N>_s      time to recount the ballot from the mirror
//   BENCH recount.read_decode_<N>_s  reading the mirror and decoding the VoteCast logs alone, one thread
//   BENCH recount.vote_checks_per_s  decode + checkVote of one vote (the workers' job), one thread
//   BENCH recount.steady_verify_per_s  the same once started (from a fifth of the votes to the end)
//   BENCH recount.recount_1m_s_extrapolated  time to a fifth of the votes, then the rest at the steady pace
//   BENCH recount.mirror_1m_s_extrapolated   linear
// Goal (issue): a million-vote ballot recounted from a local mirror in under 2 minutes.
// With --sealed, the ballot is sealed (PROTOCOL.md §11, 2 of 3 trustees whose key ceremony
// runs here) and every ballot is sealed by @noble/curves as the widget does; the recount
// then checks every ballot's proofs on worker threads (native) and adds up the cells, and
// the figures are named recount.sealed_* (goal: 1,000,000 sealed ballots in 20 minutes).
//
// The votes are made here, on worker threads, as fast as valid votes can be made: tokens
// signed with node:crypto's RSA-PSS (the signature the blind flow produces, PROTOCOL.md
// §3.2) and voter signatures with libsecp256k1; the chain checks every one of them
// (castVotes) and the bench stops if any is rejected.
import { constants, createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { Contract, Wallet, computeAddress, hexlify } from "ethers";
import { sealVote } from "../../protocol/sealed/seal-vote.js";
import { ceremonyDigest, electionKeyHex } from "../../protocol/sealed/key-ceremony.js";
import { beginCeremony, dealShares, finishCeremony } from "../../protocol/sealed/trustee.js";
import { parseCeremonyTranscript } from "../../protocol/sealed/ceremony-transcript.js";
import { BallotBoxAbi } from "../../protocol/generated/BallotBox.js";
import { BallotKind, issuerKeyFromModulus, modulusBytes, toHex, tokenMessage } from "../../protocol/index.js";
import { proveIssuerKey, voteDigestBytesFast } from "../../protocol/node.js";
import { startChain } from "../../server/chain/node.js";
import { NodeProvider } from "../../server/chain/node-provider.js";
import { observe } from "../../observer/observe.js";
import { mirrorSource } from "../../observer/recount/event-source.js";
import { recount } from "../../observer/recount/recount.js";
import { checkVoteCast, type VoteJob } from "../../protocol/vote-check.node.js";
import { decodeVoteCast } from "../../protocol/vote-cast-decoder.node.js";
import { moduleWorker } from "../../protocol/module-runtime.node.js";
import { EVENT_TOPICS, decodeBallotBoxLog } from "../../protocol/events.js";
import type { BallotOnChain } from "../../protocol/ballot.js";

/** libsecp256k1 (the `secp256k1` package's public API) makes the simulated voters' keys and signatures fast. */
const secp256k1 = createRequire(import.meta.url)("secp256k1") as {
  publicKeyCreate(secret: Uint8Array, compressed: boolean): Uint8Array;
  ecdsaSign(message: Uint8Array, secret: Uint8Array): { signature: Uint8Array; recid: number };
};

type MakerJob = {
  chainId: string; ballotBox: string; ballotId: string; privateKeyPem: string; count: number; options: number;
  /** A sealed ballot's election key and ceremony digest: each vote is then sealed. */
  sealing?: { electionKey: string; keyCeremonyDigest: string };
};

/** The sealed ballot's rules: pour / contre / abstention. */
const SEALED_RULES = { kind: BallotKind.SingleChoice, optionCount: 3, minChoices: 0, maxChoices: 0 };

if (!isMainThread) {
  // Vote maker: `count` fresh voters, each with its token and its signed single-choice vote.
  const job = workerData as MakerJob;
  const key = createPrivateKey(job.privateKeyPem);
  const chainId = BigInt(job.chainId), ballotId = BigInt(job.ballotId);
  const votes = [];
  for (let i = 0; i < job.count; i++) {
    const secret = randomBytes(32);
    const voter = computeAddress(hexlify(secp256k1.publicKeyCreate(secret, false)));
    const message = tokenMessage({ chainId, ballotBox: job.ballotBox, ballotId, voter });
    const tokenSignature = hexlify(sign("sha256", message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    const payload = job.sealing
      ? sealVote({ chainId, ballotBox: job.ballotBox, ballotId, ...job.sealing, rules: SEALED_RULES, voter, choice: { kind: BallotKind.SingleChoice, option: i % job.options } }).payload
      : toHex(Uint8Array.of(i % job.options));
    const digest = voteDigestBytesFast({ chainId, ballotBox: job.ballotBox, ballotId, revision: 0, payload });
    const { signature, recid } = secp256k1.ecdsaSign(digest, secret);
    const voterSignature = hexlify(Buffer.concat([signature, Buffer.of(27 + recid)]));
    votes.push({ ballotId: job.ballotId, voter, revision: 0, payload, tokenSignature, voterSignature });
  }
  parentPort!.postMessage(votes);
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: { votes: { type: "string", default: "100000" }, keep: { type: "string" }, threads: { type: "string" }, sealed: { type: "boolean", default: false } },
  });
  const sealed = values.sealed!;
  const votes = Number(values.votes);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${+value.toFixed(3)} ${unit}`);
  const label = (sealed ? "sealed_" : "") + (votes % 1000 === 0 ? `${votes / 1000}k` : String(votes));
  const prefix = sealed ? "recount.sealed_" : "recount.";
  const root = values.keep ?? (await mkdtemp(path.join(os.tmpdir(), "urne-bench-recount-")));
  const chainDir = path.join(root, `chain-${label}`);
  const mirrorDir = path.join(root, `mirror-${label}`);
  const transcriptFile = path.join(chainDir, "ceremony.json");
  try {
    const built = existsSync(path.join(chainDir, "chain"));
    const chain = await startChain({ dataDir: chainDir, port: 0, blockIntervalMs: 200 });
    let ballotBox: string;
    let ballotId: bigint;
    try {
      ballotBox = chain.deployment!.ballotBox;
      if (!built) {
        const t = performance.now();
        ballotId = await buildBallot(chain, votes, sealed ? transcriptFile : undefined);
        console.log(`# cast ${votes} votes in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      } else {
        ballotId = 1n;
        console.log(`# reusing the chain in ${chainDir}`);
      }
      await rm(mirrorDir, { recursive: true, force: true });
      const t = performance.now();
      const mirrored = await observe({ rpcUrls: [chain.rpcUrl], dataDir: mirrorDir, ballotBox, once: true, print: () => {} });
      if (mirrored.exitCode !== 0) throw new Error(`observe exited ${mirrored.exitCode}`);
      const mirrorS = (performance.now() - t) / 1000;
      bench(`recount.mirror_${label}_s`, mirrorS, "s");
      bench(`${prefix}mirror_1m_s_extrapolated`, (mirrorS * 1e6) / votes, "s");
    } finally {
      await chain.stop();
    }

    // The node is stopped: what follows reads the mirror only, as a citizen's copy would.
    let t = performance.now();
    const source = await mirrorSource(mirrorDir, { ballotId });
    let events = 0;
    for await (const batch of source.logs()) {
      for (const { log } of batch) if (log.topics[0] === EVENT_TOPICS.VoteCast) decodeVoteCast(log, source.ballotBox);
      events += batch.length;
    }
    await source.close();
    bench(`recount.read_decode_${label}_s`, (performance.now() - t) / 1000, "s");

    t = performance.now();
    const progress: { s: number; votes: number }[] = [];
    const recountSource = await mirrorSource(mirrorDir, { ballotId });
    const onProgress = (counted: number) => progress.push({ s: (performance.now() - t) / 1000, votes: counted });
    const ceremonies = sealed ? [parseCeremonyTranscript(JSON.parse(await readFile(transcriptFile, "utf8")))] : [];
    const cpu = process.cpuUsage();
    const report = await recount(recountSource, { ballotId, threads, onProgress, ceremonies }).finally(() => recountSource.close());
    const recountS = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const ballot = report.ballots[0];
    if (!report.pass || ballot.votersCount !== votes) throw new Error(`recount did not pass: ${JSON.stringify(ballot.checks)}`);
    if (sealed && ballot.sealed?.ballotsCounted !== votes) throw new Error(`the sealed recount counted ${ballot.sealed?.ballotsCounted} ballots, not ${votes}: ${JSON.stringify(ballot.checks)}`);
    bench(`${prefix}verify_per_s`, votes / recountS, "ballots/s");
    // The main thread's CPU and the worker threads' (process.cpuUsage counts every thread of the process).
    bench(`${prefix}cpu_ms_per_ballot`, (used.user + used.system) / 1000 / votes, "ms");
    bench(`recount.recount_${label}_s`, recountS, "s");
    // A million votes cost the start (opening the mirror, starting the threads) once, then
    // the steady pace: measured from the batch that reached a fifth of the votes to the end.
    const from = progress.find((p) => p.votes >= votes / 5) ?? progress[0];
    const steady = (votes - from.votes) / (recountS - from.s);
    bench(`${prefix}steady_verify_per_s`, steady, "ballots/s");
    bench(`${prefix}recount_1m_s_extrapolated`, from.s + (1e6 - from.votes) / steady, "s");
    console.log(`# ${events} events; ${ballot.votesCast} VoteCast re-verified, ${sealed ? `sealed: ${ballot.sealed!.ballotsCounted} ballots counted, tally digest ${ballot.sealed!.tallyDigest}, ${ballot.sealed!.status}` : `counts [${ballot.counts.join(", ")}]`}`);
    if (sealed) return;

    // One worker's job alone on this thread: the floor of the recount's cost per vote.
    const sample = await sampleVotes(mirrorDir, ballotId, 2000);
    t = performance.now();
    for (const job of sample.jobs) checkVoteCast(job, sample.at);
    bench("recount.vote_checks_per_s", sample.jobs.length / ((performance.now() - t) / 1000), "votes/s/thread");
  } finally {
    if (!values.keep) await rm(root, { recursive: true, force: true });
  }
}

/** A 2-of-3 key ceremony run here, its transcript written to `file` (what an observer is handed). */
async function ceremonyHere(file: string) {
  const params = { ceremonyId: hexlify(randomBytes(32)), threshold: 2, trustees: Array.from({ length: 3 }, () => Wallet.createRandom().address) };
  const started = params.trustees.map((_, i) => beginCeremony(params, i + 1));
  const round1 = started.map((x) => x.round1);
  const messages = (await Promise.all(started.map((x) => dealShares(x.state, round1)))).flat();
  await Promise.all(started.map((x) => finishCeremony(x.state, round1, messages.filter((m) => m.to === x.state.index))));
  const transcript = { params, round1 };
  await writeFile(file, JSON.stringify(transcript));
  return { electionKey: electionKeyHex(transcript), keyCeremonyDigest: ceremonyDigest(transcript), trustees: params.trustees, threshold: params.threshold };
}

/** A ballot of `votes` single-choice votes, all valid, cast in castVotes batches; sealed when `transcriptFile` is given. */
async function buildBallot(chain: Awaited<ReturnType<typeof startChain>>, votes: number, transcriptFile?: string): Promise<bigint> {
  const provider = new NodeProvider(chain.rpcUrl, chain.chainId, { pollingIntervalMs: 50 });
  try {
    const address = chain.deployment!.ballotBox;
    const admin = chain.operators.admin.connect(provider);
    const relayer = chain.operators.relayer.connect(provider);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
    const modulus = issuerKeyFromModulus(toHex(Buffer.from(privateKey.export({ format: "jwk" }).n!, "base64url")));
    const now = BigInt(Math.floor(Date.now() / 1000));
    const box = new Contract(address, BallotBoxAbi, admin);
    const params = {
      kind: BallotKind.SingleChoice, minChoices: 0, maxChoices: 0, opensAt: now - 60n, closesAt: now + 30n * 86_400n,
      allowRevote: false, liveResults: !transcriptFile, issuerModulus: hexlify(modulusBytes(modulus)), issuerKeyProof: hexlify(proveIssuerKey(privateKey)),
      question: "Bench: recount", options: ["Pour", "Contre", "Abstention"],
    };
    const sealing = transcriptFile ? await ceremonyHere(transcriptFile) : undefined;
    await (await (sealing ? box.createSealedBallot(params, sealing) : box.createBallot(params))).wait();
    const ballotId = (await box.ballotCount()) as bigint;
    const relayBox = box.connect(relayer) as Contract;
    const privateKeyPem = privateKey.export({ format: "pem", type: "pkcs8" }) as string;
    const job = {
      chainId: chain.chainId.toString(), ballotBox: address, ballotId: ballotId.toString(), privateKeyPem, options: 3,
      ...(sealing ? { sealing: { electionKey: sealing.electionKey, keyCeremonyDigest: sealing.keyCeremonyDigest } } : {}),
    };
    const make = (count: number) => new Promise<Record<string, unknown>[]>((resolve, reject) => {
      // This very file, in the worker's own thread.
      const worker = moduleWorker(new URL(import.meta.url), { workerData: { ...job, count } });
      worker.once("message", resolve).once("error", reject);
    });
    // Votes are made two chunks ahead while the chain executes the ones before. A sealed
    // vote is about 1 kB of calldata: 80 of them stay under a 128 KiB transaction.
    const CHUNK = 2_000, BATCH = sealing ? 80 : 150;
    const chunks = Array.from({ length: Math.ceil(votes / CHUNK) }, (_, i) => Math.min(CHUNK, votes - i * CHUNK));
    const making = chunks.slice(0, 2).map(make);
    let nonce = await provider.getTransactionCount(relayer.address, "latest");
    const sent = [];
    for (let c = 0; c < chunks.length; c++) {
      const chunk = await making[c];
      if (c + 2 < chunks.length) making.push(make(chunks[c + 2]));
      for (let i = 0; i < chunk.length; i += BATCH) {
        sent.push(await relayBox.castVotes(chunk.slice(i, i + BATCH), { nonce: nonce++, gasLimit: 20_000_000n }));
        if (sent.length >= 20) await sent.splice(0, 10).at(-1)!.wait();
      }
    }
    for (const tx of sent) await tx.wait();
    const counted = (await box.votersCount(ballotId)) as bigint;
    if (counted !== BigInt(votes)) throw new Error(`expected ${votes} votes counted, got ${counted}`);
    return ballotId;
  } finally {
    provider.destroy();
  }
}

async function sampleVotes(mirrorDir: string, ballotId: bigint, n: number) {
  const source = await mirrorSource(mirrorDir, { ballotId });
  const jobs: VoteJob[] = [];
  let ballot: BallotOnChain | undefined;
  try {
    for await (const batch of source.logs()) {
      for (const { log, timestamp } of batch) {
        const created = log.topics[0] === EVENT_TOPICS.BallotCreated ? decodeBallotBoxLog(log, source.ballotBox) : undefined;
        if (created?.event === "BallotCreated") {
          const p = created.params;
          ballot = { kind: p.kind, minChoices: p.minChoices, maxChoices: p.maxChoices, optionCount: p.options.length, opensAt: p.opensAt, closesAt: p.closesAt, allowRevote: p.allowRevote, liveResults: p.liveResults, organizer: created.organizer, closedAt: 0n, tokensIssued: 0n, votersCount: 0n, issuerModulus: p.issuerModulus };
        }
        if (log.topics[0] === EVENT_TOPICS.VoteCast && jobs.length < n) jobs.push({ log, timestamp, ballot });
      }
      if (jobs.length >= n) break;
    }
  } finally {
    await source.close();
  }
  return { jobs, at: { chainId: source.chainId, ballotBox: source.ballotBox } };
}
