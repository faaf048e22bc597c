// One ballot's recount (PROTOCOL.md §9.3): its parameters checked (R1), every VoteCast
// re-verified in chain order by protocol/vote-check.ts (R2), the count rebuilt from the
// latest accepted revision per voter (R3), the close checked (R4), results recomputed
// by protocol/results.ts (R5). R6 (the API) is api-results.ts. A sealed ballot's own steps
// (S1-S5: its proofs, its tally digest, its decryption shares) are sealed-recount.ts's.
import type { BallotOnChain } from "../../protocol/ballot.js";
import { BallotKind, MAX_OPTIONS, MJ_GRADE_COUNT, rulesFromParams } from "../../protocol/ballot.js";
import { decodeRejectionReason, type BallotClosedEvent, type BallotCreatedEvent, type BallotSealedEvent, type DecryptionShareSubmittedEvent, type RawLog, type VoteRejectedEvent } from "../../protocol/events.js";
import type { CeremonyTranscript } from "../../protocol/sealed/key-ceremony.js";
import type { Choice } from "../../protocol/payload.js";
import { computeResults } from "../../protocol/results.js";
import { issuerKeyFromModulus } from "../../protocol/token/issuer-key.js";
import { verifyIssuerKeyProof } from "../../protocol/token/key-proof.js";
import { checkModulus, describeModulusProblem } from "../../protocol/token/modulus-check.js";
import type { VoteErrorName } from "../../protocol/vote-check.js";
import { checkVoteFast, type Deployment, type VoteJob, type VoteOutcome } from "../../protocol/vote-check.node.js";
import { decodeVoteCast } from "../../protocol/vote-cast-decoder.node.js";
import type { Counters } from "../mirror/mirror-store.js";
import { SealedRecount, type SealedRecountOptions, type SealedReport } from "./sealed-recount.js";

export type RecountStep = "R1" | "R2" | "R3" | "R4" | "R5" | "R6" | "S1" | "S2" | "S3" | "S4" | "S5";
export type Check = { step: RecountStep; ok: boolean; skipped?: boolean; message: string };
export type RejectedVote = {
  blockNumber: number; logIndex: number; transactionHash: string;
  voter: string; revision: number; error: VoteErrorName; args: string[];
};

const KIND_NAMES = ["SingleChoice", "MultipleChoice", "MajorityJudgment"];

export class BallotRecount {
  readonly checks: Check[] = [];
  readonly rejected: RejectedVote[] = [];
  votesCast = 0;
  /** The contract's own rejections (castVotes' VoteRejected), for information: they changed nothing. */
  readonly voteRejected: { blockNumber: number; voter: string; revision: number; error: string }[] = [];
  closed?: BallotClosedEvent;
  private votersAtClose?: number;
  /**
   * What checkVote checks against: the §6.6 BallotInfo as BallotCreated and BallotClosed
   * tell it, at the point of the chain the recount has READ (ahead of the point it has
   * counted: votes are checked ahead on worker threads). Undefined before its BallotCreated is read, or when R1 fails.
   */
  private ballot?: BallotOnChain;
  /** Each voter's latest revision accepted by the contract's rules (R2); no choice for a sealed ballot. */
  private readonly accepted = new Map<string, { revision: number; choice?: Choice }>();
  /** A sealed ballot's own steps, from its BallotSealed on (`sealedRead`). */
  sealed?: SealedRecount;

  /** Its BallotCreated, once read (`createdRead`). */
  created?: BallotCreatedEvent;
  /** A BallotCreated was read that does not decode (`createdUndecodable`). */
  private createdUnreadable = false;

  /** `transcripts`: the key ceremonies' transcripts the reader was given, by digest (lower-case). */
  /** `sealedOptions`: how a sealed ballot's steps run (where its proofs are checked, whether its trackers are listed). */
  constructor(readonly ballotId: bigint, private readonly at: Deployment, private readonly transcripts: ReadonlyMap<string, CeremonyTranscript> = new Map(), private readonly sealedOptions: SealedRecountOptions = {}) {}

  /** Its BallotCreated, read before any other event of the ballot (votes before it count as cast in an unknown ballot). */
  createdRead(e: BallotCreatedEvent): void {
    this.created = e;
    this.ballot = this.checkCreated(e) ? onChain(e) : undefined;
  }

  /**
   * Its BallotCreated, read but not decodable (the contract takes strings as given, and
   * one may not be UTF-8): R1 fails, naming the log and why; the ballot counts as never
   * created (§9.3 R1), and the recount goes on with the other ballots.
   */
  createdUndecodable(log: RawLog, also: string, why: string): void {
    this.createdUnreadable = true;
    this.checks.push({ step: "R1", ok: false, message: `BallotCreated for ballot ${this.ballotId} in block ${Number(log.blockNumber)} (tx ${log.transactionHash}) ${also}does not decode (${why}); every vote counts as cast in an unknown ballot` });
  }

  get kind(): number | undefined {
    return this.created?.params.kind;
  }

  get votersCount(): number {
    return this.accepted.size;
  }

  /**
   * R1: the parameters createBallot would have accepted (§6.1), issuer key proof included, and an
   * issuer modulus that passes the rule of §2.5 (checkModulus), stricter than the contract's Fermat check.
   */
  private checkCreated(e: BallotCreatedEvent): boolean {
    const p = e.params;
    const problems: string[] = [];
    try {
      rulesFromParams(p);
    } catch (error) {
      problems.push((error as Error).message);
    }
    if (p.options.length > MAX_OPTIONS) problems.push(`more than ${MAX_OPTIONS} options`);
    if (!(p.opensAt < p.closesAt)) problems.push(`opensAt ${p.opensAt} is not before closesAt ${p.closesAt}`);
    if (p.question.length === 0) problems.push("empty question");
    p.options.forEach((o, i) => o.length === 0 && problems.push(`empty option ${i}`));
    try {
      const key = issuerKeyFromModulus(p.issuerModulus);
      // Under a modulus that fails the rule anyone may have computed d and minted the tokens.
      const modulus = checkModulus(key.n);
      if (!modulus.ok) problems.push(`unsafe issuer key (§2.5): ${describeModulusProblem(modulus)}`);
      if (!verifyIssuerKeyProof(key, p.issuerKeyProof)) problems.push("issuer key proof does not verify (§2.5)");
    } catch (error) {
      problems.push(`issuer key: ${(error as Error).message}`);
    }
    const where = `BallotCreated in block ${e.blockNumber} (tx ${e.transactionHash})`;
    this.checks.push(problems.length === 0
      ? { step: "R1", ok: true, message: `${where}: parameters of §6.1 valid, issuer modulus passes §2.5 (provably composite, no factor below 2^16, not a perfect power), issuer key proof verifies` }
      : { step: "R1", ok: false, message: `${where}: ${problems.join("; ")}; every vote counts as cast in an unknown ballot` });
    return problems.length === 0;
  }

  /** The ballot as the chain read so far left it: what a VoteCast read now is checked against. */
  snapshot(): BallotOnChain | undefined {
    return this.ballot;
  }

  /**
   * Its BallotSealed, read (before any vote of the ballot is dispatched): S1, and later
   * votes are checked as sealed ones (§6.2 check 4′). A second one fails S1.
   */
  sealedRead(e: BallotSealedEvent): void {
    if (this.sealed) {
      this.checks.push({ step: "S1", ok: false, message: `a second BallotSealed in block ${e.blockNumber} (tx ${e.transactionHash}): ignored` });
      return;
    }
    this.sealed = new SealedRecount(this.ballotId, this.at, e, this.ballot ? this.created : undefined, this.transcripts.get(e.keyCeremonyDigest.toLowerCase()), this.sealedOptions);
    this.checks.push(...this.sealed.checks);
    if (this.ballot) this.ballot = { ...this.ballot, isSealed: true };
  }

  /** A DecryptionShareSubmitted read: judged with the tally (S4). One for a ballot that is not sealed is named in S4's place. */
  shareRead(e: DecryptionShareSubmittedEvent, timestamp: bigint): void {
    if (this.sealed) this.sealed.shareRead(e, timestamp);
    else this.checks.push({ step: "S4", ok: false, message: `a DecryptionShareSubmitted of trustee ${e.trustee} in block ${e.blockNumber} (tx ${e.transactionHash}) for a ballot that is not sealed` });
  }

  /** A BallotClosed read (before the votes after it are dispatched): later votes see the ballot closed. */
  closeRead(e: BallotClosedEvent): void {
    if (this.ballot) this.ballot = { ...this.ballot, closedAt: e.closedAt, tokensIssued: e.tokensIssued, votersCount: e.votersCount };
  }

  /**
   * R2, in chain order: checkVote's verdict from the worker threads, computed without a
   * recorded vote; for a voter counted before, checkVote again with its recorded revision
   * (check 3), against the ballot as it stood at that vote (`job().ballot`). `job` is
   * only called for those, and for rejected votes: the fast path parses their block again.
   */
  vote(outcome: VoteOutcome, job: () => VoteJob): void {
    this.votesCast++;
    const recorded = this.accepted.get(outcome.voter); // checksummed: one spelling per address
    let result = outcome.verdict;
    if (recorded) {
      const { log, ballot, timestamp } = job();
      result = checkVoteFast(ballot, decodeVoteCast(log, this.at.ballotBox).vote, { ...this.at, now: timestamp, recorded });
    }
    if (result.ok) {
      this.accepted.set(outcome.voter, { revision: outcome.revision, ...("choice" in result ? { choice: result.choice } : {}) });
      // S2: the contract took it; whether it counts is its proofs' to say.
      if (this.sealed) this.sealed.ballotAccepted(decodeVoteCast(job().log, this.at.ballotBox));
    } else {
      const e = decodeVoteCast(job().log, this.at.ballotBox);
      this.rejected.push({
        blockNumber: e.blockNumber, logIndex: e.logIndex, transactionHash: e.transactionHash,
        voter: e.vote.voter, revision: e.vote.revision, error: result.error, args: result.args.map(String),
      });
    }
  }

  /** A VoteRejected read: listed with the §6.2 error its reason names. */
  rejectedByContract(e: VoteRejectedEvent): void {
    this.voteRejected.push({ blockNumber: e.blockNumber, voter: e.voter, revision: e.revision, error: decodeRejectionReason(e.reason)?.name ?? `undecodable reason ${e.reason}` });
  }

  /** A BallotClosed counted: R4 compares the voters counted at this point. */
  close(e: BallotClosedEvent): void {
    this.closed = e;
    this.votersAtClose = this.accepted.size;
  }

  /** Votes per option, or per candidate and grade (§6.3), from the latest accepted revisions. */
  counts(): bigint[] {
    const optionCount = this.created?.params.options.length ?? 0;
    const mj = this.kind === BallotKind.MajorityJudgment;
    const counts = new Array<number>(mj ? optionCount * MJ_GRADE_COUNT : optionCount).fill(0);
    for (const { choice } of this.accepted.values()) {
      if (!choice) continue; // a sealed ballot's: its counts are opened (S5), not read
      if (choice.kind === BallotKind.SingleChoice) counts[choice.option]++;
      else if (choice.kind === BallotKind.MultipleChoice) for (const o of choice.options) counts[o]++;
      else choice.grades.forEach((g, c) => counts[c * MJ_GRADE_COUNT + g]++);
    }
    return counts.map(BigInt);
  }

  /** R2 to R5 (and S2-S5 for a sealed ballot), once every event up to the recount's block was applied; `unreadable`: what the node answered when the counters could not be read. */
  finish(contract: Counters | undefined, unreadable?: string): { counts: bigint[]; results: ReturnType<typeof computeResults> | undefined; votersCount: number; sealed?: SealedReport } {
    if (!this.created && !this.createdUnreadable) this.checks.push({ step: "R1", ok: false, message: `no BallotCreated event for ballot ${this.ballotId}: its ${this.votesCast} VoteCast count for nothing` });
    this.checks.push(this.rejected.length === 0
      ? { step: "R2", ok: true, message: `${this.votesCast} VoteCast re-verified, all pass §6.2 (VoteRejected events, for information: ${this.voteRejected.length})` }
      : { step: "R2", ok: false, message: `${this.votesCast} VoteCast re-verified, ${this.rejected.length} fail §6.2 and are not counted (VoteRejected events, for information: ${this.voteRejected.length})` });
    if (this.sealed) this.checks.push(this.sealed.proofsChecked());
    let counts = this.counts();
    if (!contract && unreadable !== undefined) {
      this.checks.push({ step: "R3", ok: false, message: `the contract's counters could not be read: ${unreadable.slice(0, 300)}` });
    } else if (this.sealed && contract) {
      // §11.9: the chain keeps no counts of a sealed ballot; its voters are those the contract's rules took (R2).
      const at = `at block ${contract.blockNumber} ${contract.blockHash}`;
      const problems: string[] = [];
      if (!contract.sealed) problems.push("the contract says the ballot is not sealed (sealing)");
      if (BigInt(contract.votersCount) !== BigInt(this.votersCount)) problems.push(`votersCount: recount ${this.votersCount}, contract ${contract.votersCount}`);
      this.checks.push(problems.length === 0
        ? { step: "R3", ok: true, message: `sealed: no counts on chain (§11.9); votersCount ${this.votersCount} (ballots taken by the contract's rules, R2) equals votersCount ${at}` }
        : { step: "R3", ok: false, message: `the contract's counters ${at} differ: ${problems.join("; ")}` });
    } else if (!contract) {
      this.checks.push({ step: "R3", ok: false, message: "the contract's counters are unknown (mirror made before this ballot's events, or no node): give --rpc" });
    } else {
      const diffs: string[] = [];
      const theirs = contract.tally.map(BigInt);
      if (theirs.length !== counts.length) diffs.push(`tally has ${theirs.length} entries, expected ${counts.length}`);
      else counts.forEach((c, i) => c !== theirs[i] && diffs.push(`${this.laneName(i)}: recount ${c}, contract ${theirs[i]}`));
      if (BigInt(contract.votersCount) !== BigInt(this.votersCount)) diffs.push(`votersCount: recount ${this.votersCount}, contract ${contract.votersCount}`);
      const at = `at block ${contract.blockNumber} ${contract.blockHash}`;
      this.checks.push(diffs.length === 0
        ? { step: "R3", ok: true, message: `counts [${counts.join(", ")}] and votersCount ${this.votersCount} equal tally and votersCount ${at}` }
        : { step: "R3", ok: false, message: `the contract's counters ${at} differ: ${diffs.join("; ")}` });
    }
    if (!this.closed) {
      this.checks.push({ step: "R4", ok: true, skipped: true, message: "not closed by its organizer (no BallotClosed): nothing to check" });
    } else {
      const c = this.closed;
      const problems: string[] = [];
      if (BigInt(this.votersAtClose!) > c.tokensIssued) problems.push(`${this.votersAtClose} voters counted but only ${c.tokensIssued} tokens issued`);
      if (BigInt(this.votersAtClose!) !== c.votersCount) problems.push(`BallotClosed says ${c.votersCount} voters, the recount had ${this.votersAtClose} at that point`);
      this.checks.push(problems.length === 0
        ? { step: "R4", ok: true, message: `closed in block ${c.blockNumber}: ${this.votersAtClose} voters <= ${c.tokensIssued} tokens issued` }
        : { step: "R4", ok: false, message: `closed in block ${c.blockNumber}: ${problems.join("; ")}` });
    }
    let sealed: SealedReport | undefined;
    let votersCount = this.votersCount;
    if (this.sealed) {
      const opened = this.sealed.open(this.closed, this.created?.params.closesAt ?? 0n);
      this.checks.push(...opened.checks);
      sealed = opened.report;
      counts = sealed.counts?.map(BigInt) ?? [];
      votersCount = sealed.ballotsCounted;
      if (!sealed.counts) {
        // Never a partial number: no results until t valid shares open the counts.
        this.checks.push({ step: "R5", ok: true, skipped: true, message: `no results: ${sealed.status}` });
        return { counts, results: undefined, votersCount, sealed };
      }
    }
    const results = this.created ? computeResults({ kind: this.created.params.kind, options: this.created.params.options, counts, votersCount }) : undefined;
    this.checks.push(results
      ? { step: "R5", ok: true, message: `results recomputed from the ${sealed ? "opened counts (S5)" : "recount"} (${KIND_NAMES[this.created!.params.kind] ?? "unknown kind"})` }
      : { step: "R5", ok: false, message: "no results without a BallotCreated" });
    return { counts, results, votersCount, sealed };
  }

  private laneName(i: number): string {
    if (this.kind !== BallotKind.MajorityJudgment) return `option ${i}`;
    return `candidate ${Math.floor(i / MJ_GRADE_COUNT)} grade ${i % MJ_GRADE_COUNT}`;
  }
}

function onChain(e: BallotCreatedEvent): BallotOnChain {
  const p = e.params;
  return {
    kind: p.kind, minChoices: p.minChoices, maxChoices: p.maxChoices, optionCount: p.options.length,
    opensAt: p.opensAt, closesAt: p.closesAt, allowRevote: p.allowRevote, liveResults: p.liveResults,
    organizer: e.organizer, closedAt: 0n, tokensIssued: 0n, votersCount: 0n, issuerModulus: p.issuerModulus,
  };
}

export { KIND_NAMES };
