// `urne recount`'s engine: reads a ballot box's logs in chain order from a source
// (event-source.ts), hands batches of VoteCast logs to worker threads (decode + checkVote,
// protocol/vote-check-pool.node.ts) while it reads on, then counts in chain order (ballot-recount.ts:
// R1-R5, and a sealed ballot's S1-S5: sealed-recount.ts) and compares with the API
// (api-results.ts: R6). From a mirror of format 2, runs
// of blocks that hold votes only go to the threads as LevelDB's bytes (mirror-blocks.ts).
import type { BallotOnChain } from "../../protocol/ballot.js";
import { availableParallelism } from "node:os";
import { ballotIdTopic, blockLogs, decodeBallotBoxLog, EVENT_TOPICS, isTopic, type BallotBoxEvent, type TimedLog } from "../../protocol/events.js";
import { ErrorCode, UrneError } from "../../protocol/errors.js";
import { VoteCheckPool } from "../../protocol/vote-check-pool.node.js";
import type { Deployment, RawLogOutcome, VoteJob, VoteOutcome } from "../../protocol/vote-check.node.js";
import { holdsBallotEvent, packBlocks } from "./mirror-blocks.js";
import { BallotRecount, KIND_NAMES, type Check, type RejectedVote } from "./ballot-recount.js";
import { compareWithApi } from "./api-results.js";
import type { EventSource } from "./event-source.js";
import type { CeremonyTranscript } from "../../protocol/sealed/key-ceremony.js";
import { transcriptsByDigest, type SealedReport } from "./sealed-recount.js";

export type RecountOptions = {
  ballotId?: bigint;
  api?: string;
  /** Worker threads for the votes; default one per core. */
  threads?: number;
  /** Logs per batch handed to the workers. */
  batchLogs?: number;
  /** Batches with fewer votes are checked inline: a thread round trip costs more (default 400; raw mirror batches by their size, about 1.3 kB a vote). */
  inlineBelow?: number;
  /** Fast path (a mirror of format 2): bytes of blocks per batch (default 3.9 MB, about 3,000 votes). */
  rawBatchBytes?: number;
  /** Key ceremony transcripts (PROTOCOL.md §11.7): a sealed ballot's is the one hashing to its BallotSealed's keyCeremonyDigest. */
  ceremonies?: readonly CeremonyTranscript[];
  /** A sealed ballot's report lists its counted ballots' trackers (SealedReport.trackers). */
  listTrackers?: boolean;
  /** Called after each batch is counted, with the VoteCast logs counted so far. */
  onProgress?: (votesCounted: number) => void;
};

export type BallotReport = {
  ballotId: string;
  kind: string | null;
  question: string | null;
  asOf: { blockNumber: number; blockHash: string };
  votesCast: number;
  votersCount: number;
  counts: string[];
  rejected: RejectedVote[];
  /** The contract's VoteRejected events, for information. */
  voteRejected: { blockNumber: number; voter: string; revision: number; error: string }[];
  checks: Check[];
  results: unknown;
  /** A sealed ballot's own findings (S1-S5); absent for a public ballot. */
  sealed?: SealedReport;
  pass: boolean;
};

export type RecountReport = {
  chainId: string; ballotBox: string; asOf: { blockNumber: number; blockHash: string }; countersFrom: string; ballots: BallotReport[]; pass: boolean;
  /** Checks (votes, sealed ballots' proofs) made on the worker threads rather than the main one. */
  checkedOnThreads: number;
};

/** One log as the counting loop replays it: decoded here, or a vote checked on a worker. */
type Step =
  | { kind: "event"; event: Exclude<BallotBoxEvent, { event: "VoteCast" | "BallotSealed" | "DecryptionShareSubmitted" }> }
  | { kind: "vote"; ballotId: bigint; job: VoteJob; index: number };
type Batch =
  | { steps: Step[]; outcomes: Promise<VoteOutcome[]> }
  | { blocks: Uint8Array[]; ballots: Map<string, BallotOnChain | undefined>; outcomes: Promise<RawLogOutcome[]> };

/** A VoteCast log as the mirror stores it: about 1.3 kB of JSON. */
const VOTE_JSON_BYTES = 1_300;
/** Bytes of raw blocks per batch: about 3,000 votes. */
const RAW_BATCH_BYTES = 3_000 * VOTE_JSON_BYTES;

/** Batches in flight: the workers keep busy while the main thread reads and counts. */
const IN_FLIGHT = 4;

export async function recount(source: EventSource, opts: RecountOptions = {}): Promise<RecountReport> {
  const at: Deployment = { chainId: source.chainId, ballotBox: source.ballotBox };
  const pool = new VoteCheckPool(opts.threads ?? availableParallelism());
  const inline = new VoteCheckPool(0);
  const ballots = new Map<bigint, BallotRecount>();
  /** Read side: the ballots whose BallotCreated, or only other ballot events, were read (R1). */
  const read = new Map<bigint, "created" | "events">();
  const batchSize = opts.batchLogs ?? 4000;
  const queue: Batch[] = [];
  const transcripts = transcriptsByDigest(opts.ceremonies ?? []);

  const ballotOf = (id: bigint) => {
    let b = ballots.get(id);
    if (!b) ballots.set(id, (b = new BallotRecount(id, at, transcripts, { verify: (input) => pool.verifySealed(input), listTrackers: opts.listTrackers })));
    return b;
  };

  /** Reading side, in chain order: ballots created and closed, votes handed out with the ballot as it stood. */
  const dispatch = (logs: TimedLog[]) => {
    const steps: Step[] = [];
    const jobs: VoteJob[] = [];
    for (const { log, timestamp } of logs) {
      // Any spelling of the topic (a format-1 mirror keeps the node's): decodeVoteCast takes the rest.
      if (log.topics[0]?.toLowerCase() === EVENT_TOPICS.VoteCast) {
        if (log.topics.length !== 3 || !isTopic(log.topics[1])) decodeBallotBoxLog(log, source.ballotBox); // throws ERR_INVALID_EVENT, naming the log
        const ballotId = BigInt(log.topics[1]);
        const ballot: BallotOnChain | undefined = ballots.get(ballotId)?.snapshot();
        steps.push({ kind: "vote", ballotId, job: { log, timestamp, ballot }, index: jobs.length });
        jobs.push({ log, timestamp, ballot });
        continue;
      }
      let event;
      try {
        event = decodeBallotBoxLog(log, source.ballotBox);
      } catch (error) {
        // A BallotCreated the contract took as given (a question that is not UTF-8) fails
        // its own ballot's R1; a sealed ballot's event that does not decode (a node that
        // lies: the EVM emits the one encoding) fails its own ballot's S1 or S4; the other
        // ballots are recounted.
        const sealedEvent = undecodedSealedEvent(log, error);
        if (sealedEvent) {
          ballotOf(sealedEvent.ballotId).checks.push({ step: sealedEvent.step, ok: false, message: `${sealedEvent.name} for ballot ${sealedEvent.ballotId} in block ${Number(log.blockNumber)} (tx ${log.transactionHash}) does not decode (${sealedEvent.why}): left out` });
          continue;
        }
        const undecoded = undecodedCreation(log, error);
        if (!undecoded) throw error;
        const before = read.get(undecoded.ballotId);
        read.set(undecoded.ballotId, "created");
        ballotOf(undecoded.ballotId).createdUndecodable(log, before ? `comes after ${before === "created" ? "another one" : "a BallotClosed or VoteRejected of that ballot"} and ` : "", undecoded.why);
        continue;
      }
      if (!event) continue; // role events
      // A sealed ballot's events: BallotSealed right after its BallotCreated, before any vote
      // of it is dispatched (S1, and check 4′ for its votes); shares are judged with the tally.
      if (event.event === "BallotSealed") {
        ballotOf(event.ballotId).sealedRead(event);
        continue;
      }
      if (event.event === "DecryptionShareSubmitted") {
        ballotOf(event.ballotId).shareRead(event, timestamp);
        continue;
      }
      if (event.event === "VoteCast") throw new Error(`recount: a VoteCast in block ${event.blockNumber} was not taken as one`); // unreachable: caught above
      // R1 judges a BallotCreated by the events READ before it (never by what the counting
      // side has reached, which depends on batching): a vote before it is R2's to reject.
      const before = read.get(event.ballotId);
      read.set(event.ballotId, event.event === "BallotCreated" || before === "created" ? "created" : "events");
      if (event.event === "BallotCreated") {
        if (before) ballotOf(event.ballotId).checks.push({ step: "R1", ok: false, message: `BallotCreated for ballot ${event.ballotId} in block ${event.blockNumber} comes after ${before === "created" ? "another one" : "a BallotClosed or VoteRejected of that ballot"}` });
        else ballotOf(event.ballotId).createdRead(event);
      } else if (event.event === "BallotClosed") {
        ballotOf(event.ballotId).closeRead(event);
      }
      steps.push({ kind: "event", event });
    }
    queue.push({ steps, outcomes: awaitedLater(checkAll(jobs.length < (opts.inlineBelow ?? 400) ? inline : pool, jobs, at)) });
  };

  /** Reading side, fast path: blocks without ballot events, checked against the ballots as they stand now. */
  const dispatchRaw = (blocks: Uint8Array[]) => {
    const known = new Map<string, BallotOnChain | undefined>();
    for (const [id, b] of ballots) known.set(ballotIdTopic(id), b.snapshot());
    const only = source.rawBlocks?.only;
    const bytes = blocks.reduce((n, b) => n + b.byteLength, 0);
    const checker = bytes < (opts.inlineBelow ?? 400) * VOTE_JSON_BYTES ? inline : pool;
    const parts = packBlocks(blocks, Math.max(1, checker.threads));
    const outcomes: Promise<RawLogOutcome[]> = Promise.all(parts.map((part) => checker.checkBlocks({ ...part, ballots: known, only }, at))).then((all) => all.flat());
    queue.push({ blocks, ballots: known, outcomes: awaitedLater(outcomes) });
  };

  /** Counting side, in the same order. */
  let votesCounted = 0;
  const apply = async (batch: Batch) => {
    if ("blocks" in batch) await applyRaw(batch);
    else await applyParsed(batch);
    // A sealed ballot's proofs, checked on the pool's threads meanwhile: their verdicts, in order.
    for (const b of ballots.values()) await b.sealed?.settle();
    opts.onProgress?.(votesCounted);
  };

  const applyParsed = async (batch: Extract<Batch, { steps: Step[] }>) => {
    const outcomes = await batch.outcomes;
    for (const step of batch.steps) {
      if (step.kind === "vote") {
        ballotOf(step.ballotId).vote(outcomes[step.index], () => step.job);
        votesCounted++;
        continue;
      }
      const e = step.event;
      if (e.event === "VoteRejected") ballotOf(e.ballotId).rejectedByContract(e);
      else if (e.event === "BallotClosed") ballotOf(e.ballotId).close(e);
    }
  };

  const applyRaw = async (batch: Extract<Batch, { blocks: Uint8Array[] }>) => {
    const parsed = new Map<number, TimedLog[]>();
    const logAt = (block: number, index: number): TimedLog => {
      let logs = parsed.get(block);
      if (!logs) parsed.set(block, (logs = blockLogs(batch.blocks[block], source.ballotBox, source.rawBlocks?.only)));
      return logs[index];
    };
    const idOf = new Map<string, bigint>();
    for (const { block, index, ballotTopic, outcome } of await batch.outcomes) {
      if (ballotTopic === undefined || !outcome) {
        // Not a VoteCast: a role event, or a VoteRejected in a block the scan missed.
        const event = decodeBallotBoxLog(logAt(block, index).log, source.ballotBox);
        if (event?.event === "VoteRejected") ballotOf(event.ballotId).rejectedByContract(event);
        else if (event) throw new Error(`recount: a ${event.event} in block ${event.blockNumber} reached the votes-only path (mirror-blocks.ts)`);
        continue;
      }
      let id = idOf.get(ballotTopic);
      if (id === undefined) idOf.set(ballotTopic, (id = BigInt(ballotTopic)));
      ballotOf(id).vote(outcome, () => ({ ...logAt(block, index), ballot: batch.ballots.get(ballotTopic) }));
      votesCounted++;
    }
  };

  /** Bounds the batches in flight: counts the oldest once IN_FLIGHT are out. */
  const keepUp = async () => {
    if (queue.length >= IN_FLIGHT) await apply(queue.shift()!);
  };

  /** From a mirror of format 2: runs of votes-only blocks raw, the other blocks parsed here. */
  const readRaw = async (raw: NonNullable<EventSource["rawBlocks"]>) => {
    let run: Uint8Array[] = [];
    let runBytes = 0;
    const flush = () => {
      if (run.length > 0) dispatchRaw(run);
      run = [];
      runBytes = 0;
    };
    for await (const block of raw.blocks()) {
      if (holdsBallotEvent(block)) {
        flush();
        const logs = blockLogs(block, source.ballotBox, raw.only);
        if (logs.length > 0) dispatch(logs);
      } else {
        run.push(block);
        runBytes += block.byteLength;
        if (runBytes >= (opts.rawBatchBytes ?? RAW_BATCH_BYTES)) flush();
      }
      await keepUp();
    }
    flush();
  };

  const readParsed = async () => {
    let pending: TimedLog[] = [];
    for await (const logs of source.logs()) {
      for (const l of logs) pending.push(l);
      if (pending.length < batchSize) continue;
      dispatch(pending);
      pending = [];
      await keepUp();
    }
    if (pending.length > 0) dispatch(pending);
  };

  let checkedOnThreads: number;
  try {
    await (source.rawBlocks ? readRaw(source.rawBlocks) : readParsed());
    while (queue.length > 0) await apply(queue.shift()!);
  } finally {
    checkedOnThreads = pool.answeredOnThreads;
    await pool.close();
  }

  if (opts.ballotId !== undefined) {
    ballotOf(opts.ballotId);
    for (const id of [...ballots.keys()]) if (id !== opts.ballotId) ballots.delete(id);
  }
  const reports: BallotReport[] = [];
  for (const b of [...ballots.values()].sort((x, y) => (x.ballotId < y.ballotId ? -1 : 1))) {
    // A node that cannot answer (one that keeps recent states only, asked for an older
    // block) leaves the counters unknown, and R3 says what it answered.
    let unreadable: string | undefined;
    const contract = await source.counters(b.ballotId).catch((error: unknown) => {
      unreadable = error instanceof Error ? error.message : String(error);
      return undefined;
    });
    const { counts, results, votersCount, sealed } = b.finish(contract, unreadable);
    if (opts.api) b.checks.push(await compareWithApi(opts.api, b.ballotId, { ...at, asOf: source.asOf.number }, { votersCount, results: results as Record<string, unknown> | undefined }));
    else b.checks.push({ step: "R6", ok: true, skipped: true, message: "no --api given: published results not compared" });
    reports.push({
      ballotId: b.ballotId.toString(),
      kind: b.kind === undefined ? null : (KIND_NAMES[b.kind] ?? String(b.kind)),
      question: b.created?.params.question ?? null,
      asOf: { blockNumber: source.asOf.number, blockHash: source.asOf.hash },
      votesCast: b.votesCast, votersCount, counts: counts.map(String),
      rejected: b.rejected, voteRejected: b.voteRejected, checks: b.checks, results,
      ...(sealed ? { sealed } : {}),
      pass: b.checks.every((c) => c.ok),
    });
  }
  return {
    chainId: source.chainId.toString(), ballotBox: source.ballotBox,
    asOf: { blockNumber: source.asOf.number, blockHash: source.asOf.hash }, countersFrom: source.countersFrom,
    ballots: reports, pass: reports.every((r) => r.pass), checkedOnThreads,
  };
}

/** The ballot of a log that is a BallotCreated by its topics and failed to decode, and why; undefined for any other failure. */
function undecodedCreation(log: TimedLog["log"], error: unknown): { ballotId: bigint; why: string } | undefined {
  if (!(error instanceof UrneError) || error.code !== ErrorCode.ERR_INVALID_EVENT) return undefined;
  if (log.topics[0]?.toLowerCase() !== EVENT_TOPICS.BallotCreated || log.topics.length !== 3 || !isTopic(log.topics[1])) return undefined;
  return { ballotId: BigInt(log.topics[1]), why: error.cause instanceof Error ? error.cause.message : error.message };
}

/** The ballot of a sealed ballot's event (by its topics) that failed to decode, the step it fails, and why; undefined for any other failure. */
function undecodedSealedEvent(log: TimedLog["log"], error: unknown): { ballotId: bigint; name: string; step: "S1" | "S4"; why: string } | undefined {
  if (!(error instanceof UrneError) || error.code !== ErrorCode.ERR_INVALID_EVENT) return undefined;
  const topic0 = log.topics[0]?.toLowerCase();
  const sealed = topic0 === EVENT_TOPICS.BallotSealed && log.topics.length === 2;
  const share = topic0 === EVENT_TOPICS.DecryptionShareSubmitted && log.topics.length === 3;
  if ((!sealed && !share) || !isTopic(log.topics[1])) return undefined;
  const why = error.cause instanceof Error ? error.cause.message : error.message;
  return { ballotId: BigInt(log.topics[1]), name: sealed ? "BallotSealed" : "DecryptionShareSubmitted", step: sealed ? "S1" : "S4", why };
}

/**
 * A batch's outcomes wait in the queue until counted: a thread's failure meanwhile must
 * reach the recount there (and end it with its message), not end the process as an
 * unhandled rejection.
 */
function awaitedLater<T>(outcomes: Promise<T>): Promise<T> {
  outcomes.catch(() => {});
  return outcomes;
}

/** Splits the jobs over the pool's threads, keeping their order. */
async function checkAll(pool: VoteCheckPool, jobs: VoteJob[], at: Deployment): Promise<VoteOutcome[]> {
  const parts = Math.max(1, pool.threads);
  const size = Math.ceil(jobs.length / parts);
  const slices = Array.from({ length: parts }, (_, i) => jobs.slice(i * size, (i + 1) * size));
  return (await Promise.all(slices.map((s) => pool.checkLogs(s, at)))).flat();
}
