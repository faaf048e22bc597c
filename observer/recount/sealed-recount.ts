// The recount of a sealed ballot (PROTOCOL.md §9.3 S1-S5, §11): what the contract cannot
// check, checked by the observer from the chain's events and the key ceremony's public
// transcript. R1-R4 (ballot-recount.ts) still hold the contract's own rules; on top of them:
//   S1 BallotSealed: once, right after the ballot's BallotCreated; the election key a
//      point of the curve; the transcript (matched by its digest) gives that key, those
//      trustees in that order and that threshold; with an operator's key (§11.7), its
//      proof of knowledge verifies and the operator is the ballot's organizer
//   S2 every VoteCast R2 accepted: its proofs (§11.5) under its own voter's context (§11.4);
//      the voter's latest accepted revision whose proofs verify is the one counted, a
//      ballot whose proofs fail is named and counted nowhere, and does not replace the
//      voter's earlier valid one
//   S3 the counted ballots' trackers in chain order and their aggregates per cell: the
//      tally digest (§11.6)
//   S4 each DecryptionShareSubmitted: from a trustee of the ballot, once, after the close,
//      for this tally digest, 33·cells + 64 bytes of valid points and scalars, and its
//      proof against the trustee's verification key from the transcript; the organizer's
//      share likewise against the operator's key when the ceremony has one; any other is
//      named and left out
//   S5 t valid shares (and the operator's, with an operator's key) open the counts
//      (threshold-decryption.ts); fewer: "awaiting decryption: k of t shares", and no number
import { concat as concatBytes, getBytes, hexlify } from "ethers";
import { rulesFromParams, type BallotRules } from "../../protocol/ballot.js";
import { ErrorCode, UrneError } from "../../protocol/errors.js";
import type { BallotClosedEvent, BallotCreatedEvent, BallotSealedEvent, DecryptionShareSubmittedEvent, EventLocation, VoteCastEvent } from "../../protocol/events.js";
import { electionKeyHash, sealedContexts } from "../../protocol/sealed/ballot-context.js";
import { decodeDecryptionShare, type DecryptionShare } from "../../protocol/sealed/decryption-share.js";
import { addCiphertexts, type Ciphertext } from "../../protocol/sealed/elgamal.js";
import { decodePoint, pointFromUncompressed, transcriptPoint, type Point } from "../../protocol/sealed/group.js";
import { ceremonyDigest, electionKeyOf, operatorKeyOfTranscript, verificationKeysOf, type CeremonyTranscript } from "../../protocol/sealed/key-ceremony.js";
import { sealedLayout } from "../../protocol/sealed/sealed-layout.js";
import { TallyDigest } from "../../protocol/sealed/tally-digest.js";
import { openTally, type OperatorShareVerdict, type TrusteeShare } from "../../protocol/sealed/threshold-decryption.js";
import { trackerOf } from "../../protocol/sealed/tracker.js";
import { verifySealedBallotNative, type NativeCells, type NativeVerifyInput } from "../../protocol/sealed/verify-sealed.node.js";
import type { Deployment } from "../../protocol/vote-check.node.js";
import type { Check } from "./ballot-recount.js";

/** Where a log is, for the report. */
type Place = { blockNumber: number; logIndex: number; transactionHash: string };

/** A ballot the contract took whose proofs fail (S2): counted nowhere. */
export type ExcludedBallot = Place & { voter: string; revision: number; tracker: string; code: string; field: string; message: string };

/** A DecryptionShareSubmitted as S4 judged it; `operator` when it is the ceremony operator's share (§11.7). */
export type ShareVerdict = Place & { trustee: string; tallyDigest: string; valid: boolean; why?: string; operator?: true };

export type SealedReport = {
  electionKey: string;
  keyCeremonyDigest: string;
  threshold: number;
  trustees: string[];
  /** Whether a transcript hashing to keyCeremonyDigest was given (the shares can be checked only then). */
  transcript: boolean;
  /** Voters whose ballot is counted (S2). */
  ballotsCounted: number;
  excluded: ExcludedBallot[];
  /** 0x hex, or null when the ballot's key or rules could not be read (S1). */
  tallyDigest: string | null;
  /**
   * The counted ballots' sum per cell, A ‖ B as the tally digest hashes them (33 bytes each,
   * zeros for the identity), 0x hex; null with the tally digest. A trustee's decryption share
   * is over these (`urne trustee decrypt`).
   */
  aggregates: string[] | null;
  shares: ShareVerdict[];
  /**
   * The operator's account when the key ceremony has an operator's key (the ballot's
   * organizer, whose share is needed besides t trustees'), and its share's verdict; null
   * without operator, or when no transcript was given.
   */
  operator: { account: string; share: OperatorShareVerdict } | null;
  /** "opened", or "awaiting decryption: k of t shares" (and the operator's share), never a partial number. */
  status: string;
  /** Per cell (v1's tally order), only once opened. */
  counts: string[] | null;
  /** The counted ballots' trackers in chain order, when asked (`listTrackers`). */
  trackers?: CountedTracker[];
};

type Counted = Place & { tracker: string; cells: Ciphertext[] };

/** Checks one sealed ballot's proofs and gives its cells (uncompressed); rejects with the UrneError naming the field when they fail. */
export type SealedVerifier = (input: NativeVerifyInput) => Promise<NativeCells>;

/** On the calling thread (the recount passes its vote-check pool's threads instead). */
const verifyHere: SealedVerifier = async (input) => verifySealedBallotNative(input);

export type SealedRecountOptions = {
  /** Where each ballot's proofs are checked (default: this thread). */
  verify?: SealedVerifier;
  /** The report lists the counted ballots' trackers (the vote host's public list, a voter's check). */
  listTrackers?: boolean;
};

/** A counted ballot as the tracker list shows it: its tracker (keccak256 of its payload) and where it is on chain. */
export type CountedTracker = Place & { tracker: string };

const place = (e: EventLocation): Place => ({ blockNumber: e.blockNumber, logIndex: e.logIndex, transactionHash: e.transactionHash });
const before = (a: Place, b: Place) => a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex);

export class SealedRecount {
  /** S1's and S2's checks, in order; S3-S5 come from `open`. */
  readonly checks: Check[] = [];
  readonly excluded: ExcludedBallot[] = [];
  private readonly counted = new Map<string, Counted>();
  private readonly shares: { event: DecryptionShareSubmittedEvent; timestamp: bigint }[] = [];
  private readonly rules?: BallotRules;
  private readonly electionKey?: Uint8Array;
  private readonly keyHash?: string;
  /** Each trustee's verification key, in the ceremony's order (trustee i is identifier i). */
  private readonly verificationKeys?: Point[];
  /** The ceremony's operator (its account, the ballot's organizer) and key O, when it has one. */
  private readonly operator?: { account: string; key: Point };
  private ballotsChecked = 0;
  /** Each voter's context (PROTOCOL.md §11.4), the ballot's part encoded once. */
  #contextOf?: (voter: string) => Uint8Array;
  /** Ballots accepted by R2 whose proofs are being checked, in chain order (`settle`). */
  #checking: { e: VoteCastEvent; payload: Uint8Array; verdict: Promise<NativeCells | { error: unknown }> }[] = [];

  /**
   * S1. `created` is the ballot's BallotCreated when R1 passed (undefined otherwise);
   * `transcript` the one whose digest the event names, if the reader was given it.
   */
  constructor(readonly ballotId: bigint, private readonly at: Deployment, readonly event: BallotSealedEvent, created: BallotCreatedEvent | undefined, private readonly transcript: CeremonyTranscript | undefined, private readonly options: SealedRecountOptions = {}) {
    const where = `BallotSealed in block ${event.blockNumber} (tx ${event.transactionHash})`;
    const problems: string[] = [];
    if (!created) problems.push("its ballot has no valid BallotCreated (R1)");
    else if (created.transactionHash.toLowerCase() !== event.transactionHash.toLowerCase() || created.logIndex + 1 !== event.logIndex) {
      problems.push(`it does not follow its BallotCreated (block ${created.blockNumber} log ${created.logIndex}) in the same transaction`);
    }
    let key: Point | undefined;
    try {
      key = decodePoint(getBytes(event.electionKey), "electionKey");
    } catch (error) {
      problems.push(`election key ${event.electionKey}: ${(error as Error).message}`);
    }
    if (event.threshold < 1 || event.threshold > event.trustees.length) problems.push(`threshold ${event.threshold} of ${event.trustees.length} trustees`);
    if (new Set(event.trustees.map((t) => t.toLowerCase())).size !== event.trustees.length) problems.push("a trustee is named twice");
    let verificationKeys: Point[] | undefined;
    let operator: { account: string; key: Point } | undefined;
    if (transcript && key) {
      const t = transcript.params;
      if (!electionKeyOf(transcript).equals(key)) problems.push("the transcript's election key is not the ballot's");
      if (t.threshold !== event.threshold) problems.push(`the transcript's threshold is ${t.threshold}, the ballot's ${event.threshold}`);
      if (t.trustees.length !== event.trustees.length || t.trustees.some((a, i) => a.toLowerCase() !== event.trustees[i].toLowerCase())) {
        problems.push("the transcript's trustees are not the ballot's, in the same order");
      }
      verificationKeys = verificationKeysOf(transcript);
      const operatorKey = operatorKeyOfTranscript(transcript);
      if (operatorKey && created && t.operator!.toLowerCase() !== created.organizer.toLowerCase()) {
        problems.push(`the transcript's operator ${t.operator} is not the ballot's organizer ${created.organizer}: the operator's share could never be posted`);
      }
      if (operatorKey) operator = { account: t.operator!, key: operatorKey };
    }
    if (created && key && problems.length === 0) {
      this.rules = rulesFromParams(created.params);
      this.electionKey = getBytes(event.electionKey);
      this.keyHash = electionKeyHash(this.electionKey, event.keyCeremonyDigest);
      this.verificationKeys = verificationKeys;
      this.operator = operator;
    }
    const ceremony = transcript
      ? `the key ceremony's transcript hashes to ${event.keyCeremonyDigest} and gives this key, these ${event.trustees.length} trustees and threshold ${event.threshold}${operator ? `, and the operator's key of ${operator.account}, the organizer` : ""}`
      : `no key ceremony transcript hashing to ${event.keyCeremonyDigest} was given (--ceremony FILE): the trustees' verification keys are unknown`;
    this.checks.push(problems.length === 0
      ? { step: "S1", ok: true, message: `${where}: election key ${event.electionKey} is a point of secp256k1, ${event.threshold} of ${event.trustees.length} trustees; ${ceremony}` }
      : { step: "S1", ok: false, message: `${where}: ${problems.join("; ")}; no ballot of it can be counted` });
  }

  /** Whether S1 passed: ballots and shares can be checked. */
  get usable(): boolean {
    return this.rules !== undefined;
  }

  /**
   * S2, in chain order, for a VoteCast R2 accepted (the contract's rules): counted if its
   * proofs verify under its voter's context; otherwise named, and the voter's earlier
   * counted ballot, if any, stays.
   */
  ballotAccepted(e: VoteCastEvent): void {
    this.ballotsChecked++;
    const v = e.vote;
    const payload = getBytes(v.payload);
    if (!this.rules || !this.electionKey || !this.keyHash) return;
    this.#contextOf ??= sealedContexts({ chainId: this.at.chainId, ballotBox: this.at.ballotBox, ballotId: this.ballotId, electionKeyHash: this.keyHash, rules: this.rules });
    const context = this.#contextOf(v.voter);
    // Checked off this thread (the verifier's); its verdict is taken in chain order by `settle`.
    const verdict = (this.options.verify ?? verifyHere)({ context, electionKey: this.electionKey, rules: this.rules, payload }).then((cells) => cells, (error: unknown) => ({ error }));
    this.#checking.push({ e, payload, verdict });
  }

  /**
   * The verdicts of the ballots `ballotAccepted` handed to the verifier, in chain order: a
   * ballot whose proofs verify becomes its voter's counted one; one whose proofs fail is
   * named, and the voter's earlier counted ballot, if any, stays. The recount awaits it
   * after each batch of events, and before `proofsChecked` and `open`.
   */
  async settle(): Promise<void> {
    for (const { e, payload, verdict } of this.#checking.splice(0)) {
      const answer = await verdict;
      const v = e.vote;
      if (!Array.isArray(answer)) {
        const { error } = answer;
        if (!(error instanceof UrneError)) throw error;
        this.excluded.push({ ...place(e), voter: v.voter, revision: v.revision, tracker: trackerOf(payload), code: error.code, field: error.field ?? "payload", message: error.message });
        continue;
      }
      // Verified natively, its cells read there: taken as points to add them up, no square root taken again.
      this.counted.set(v.voter, { ...place(e), tracker: trackerOf(payload), cells: answer.map((c) => ({ A: pointFromUncompressed(c.A), B: pointFromUncompressed(c.B) })) });
    }
  }

  /** A DecryptionShareSubmitted, judged by `open` once the whole chain is read. */
  shareRead(event: DecryptionShareSubmittedEvent, timestamp: bigint): void {
    this.shares.push({ event, timestamp });
  }

  /** Voters whose ballot is counted. */
  get ballotsCounted(): number {
    return this.counted.size;
  }

  /** S2's verdict, once every VoteCast was applied. */
  proofsChecked(): Check {
    if (this.#checking.length > 0) throw new Error("SealedRecount: proofsChecked before settle()");
    if (!this.usable) return { step: "S2", ok: false, message: `${this.ballotsChecked} ballots accepted by R2 not checked: S1 failed` };
    const excluded = this.excluded.length;
    return { step: "S2", ok: true, message: `${this.ballotsChecked} ballots accepted by R2 checked (§11.5), ${this.counted.size} voters counted; ${excluded === 0 ? "every proof verifies" : `${excluded} whose proofs fail excluded from the tally (named below)`}` };
  }

  /**
   * S3-S5: the tally digest, each share judged, the counts when t shares are valid.
   * `closedAt`: the ballot's BallotClosed, if any (a share must come after the close).
   */
  open(closed: BallotClosedEvent | undefined, closesAt: bigint): { checks: Check[]; report: SealedReport } {
    const checks: Check[] = [];
    const e = this.event;
    const report: SealedReport = {
      electionKey: e.electionKey, keyCeremonyDigest: e.keyCeremonyDigest, threshold: e.threshold, trustees: e.trustees,
      transcript: this.transcript !== undefined, ballotsCounted: this.counted.size, excluded: this.excluded,
      tallyDigest: null, aggregates: null, shares: [], operator: null, status: `awaiting decryption: 0 of ${e.threshold} shares`, counts: null,
    };
    if (!this.rules || !this.keyHash) {
      const why = "S1 failed: no tally";
      for (const s of [3, 4, 5]) checks.push({ step: `S${s}` as Check["step"], ok: false, message: why });
      report.status = "not countable (S1)";
      return { checks, report };
    }
    const cells = sealedLayout(this.rules).cells;
    const ballots = [...this.counted.values()].sort((a, b) => (before(a, b) ? -1 : 1));
    if (this.options.listTrackers) report.trackers = ballots.map((b) => ({ blockNumber: b.blockNumber, logIndex: b.logIndex, transactionHash: b.transactionHash, tracker: b.tracker }));
    const digest = new TallyDigest({ chainId: this.at.chainId, ballotBox: this.at.ballotBox, ballotId: this.ballotId, electionKeyHash: this.keyHash, rules: this.rules });
    for (const b of ballots) digest.add(b.tracker);
    const aggregates = Array.from({ length: cells }, (_, k) => addCiphertexts(ballots.map((b) => b.cells[k])));
    const tallyDigest = digest.digest(aggregates);
    report.tallyDigest = hexlify(tallyDigest);
    report.aggregates = aggregates.map((c) => concatBytes([transcriptPoint(c.A), transcriptPoint(c.B)]));
    checks.push({ step: "S3", ok: true, message: `tally digest ${report.tallyDigest} over ${ballots.length} counted ballots in chain order and the aggregates of ${cells} cells (§11.6)` });

    // S4: every share judged, in chain order; only the candidates go to openTally, which checks the proofs.
    const index = new Map(e.trustees.map((t, i) => [t.toLowerCase(), i]));
    const seen = new Set<string>();
    const candidates: { verdict: ShareVerdict; share: TrusteeShare }[] = [];
    const operatorAccount = this.operator?.account.toLowerCase();
    let operatorShare: { verdict: ShareVerdict; share: DecryptionShare } | undefined;
    for (const { event: s, timestamp } of this.shares) {
      const verdict: ShareVerdict = { ...place(s), trustee: s.trustee, tallyDigest: s.tallyDigest, valid: false };
      report.shares.push(verdict);
      const poster = s.trustee.toLowerCase();
      const i = index.get(poster);
      const asOperator = i === undefined && poster === operatorAccount;
      if (asOperator) verdict.operator = true;
      const afterClose = (closed !== undefined && before(closed, s)) || timestamp >= closesAt;
      if (i === undefined && !asOperator) verdict.why = this.verificationKeys ? "not a trustee of this ballot, nor its ceremony's operator" : "not a trustee of this ballot";
      else if (seen.has(poster)) verdict.why = asOperator ? "a second share of the operator" : "a second share of this trustee";
      else if (!afterClose) verdict.why = "posted before the ballot closed";
      else if (s.tallyDigest.toLowerCase() !== report.tallyDigest) verdict.why = `a share of tally digest ${s.tallyDigest}, not of this tally`;
      else if (!this.verificationKeys) verdict.why = "not checkable: no key ceremony transcript given";
      if (i !== undefined || asOperator) seen.add(poster);
      if (verdict.why !== undefined) continue;
      try {
        const share = decodeDecryptionShare(getBytes(s.share), cells, "share");
        if (asOperator) operatorShare = { verdict, share };
        else candidates.push({ verdict, share: { identifier: BigInt(i! + 1), verificationKey: this.verificationKeys![i!], share } });
      } catch (error) {
        if (!(error instanceof UrneError) || error.code !== ErrorCode.ERR_INVALID_PAYLOAD) throw error;
        verdict.why = error.message;
      }
    }
    let opening: ReturnType<typeof openTally>;
    try {
      opening = openTally({
        rules: this.rules, tallyDigest, aggregates, ballots: ballots.length, threshold: e.threshold, shares: candidates.map((c) => c.share),
        ...(this.operator ? { operator: { verificationKey: this.operator.key, ...(operatorShare ? { share: operatorShare.share } : {}) } } : {}),
      });
    } catch (error) {
      // Valid proofs over these aggregates cannot give a count out of range: the inputs are not one tally's.
      checks.push({ step: "S4", ok: false, message: `${report.shares.length} decryption shares` }, { step: "S5", ok: false, message: (error as Error).message });
      report.status = "not opened: the valid shares do not open this tally";
      return { checks, report };
    }
    const refused = new Map(opening.refused.map((r) => [r.identifier, r.why]));
    for (const c of candidates) {
      const why = refused.get(c.share.identifier);
      if (why === undefined) c.verdict.valid = true;
      else c.verdict.why = why;
    }
    if (this.operator) report.operator = { account: this.operator.account, share: opening.operator };
    if (operatorShare) {
      if (opening.operator === "valid") operatorShare.verdict.valid = true;
      else operatorShare.verdict.why = "its proof does not verify for this tally and the operator's key";
    }
    const valid = report.shares.filter((v) => v.valid).length;
    const named = report.shares.length - valid;
    const unchecked = !this.verificationKeys && report.shares.some((v) => v.why?.startsWith("not checkable"));
    checks.push(unchecked
      ? { step: "S4", ok: false, message: `${report.shares.length} decryption shares, none checkable: give the key ceremony's transcript (--ceremony FILE)` }
      : { step: "S4", ok: true, message: `${report.shares.length} decryption shares, ${valid} valid${named === 0 ? "" : `; ${named} left out (named below)`}` });

    if (opening.status === "opened") {
      report.status = "opened";
      report.counts = opening.counts.map(String);
      const withOperator = opening.operator === "valid" ? ` and of the operator ${this.operator!.account}` : "";
      checks.push({ step: "S5", ok: true, message: `counts opened with the shares of trustees ${opening.used.map((id) => e.trustees[Number(id) - 1]).join(", ")}${withOperator}: [${report.counts.join(", ")}]` });
    } else {
      const trusteesValid = candidates.filter((c) => c.verdict.valid).length;
      const operatorNeeded = opening.operator === "missing" || opening.operator === "invalid" ? " and the operator's share" : "";
      report.status = `awaiting decryption: ${trusteesValid} of ${e.threshold} shares${operatorNeeded}`;
      checks.push({ step: "S5", ok: true, skipped: true, message: `${report.status}: no count before ${e.threshold} valid shares${operatorNeeded ? " and the operator's" : ""}` });
    }
    return { checks, report };
  }
}

/** The transcripts given to the recount, by the digest a ballot names them by (ceremonyDigest, lower-case). */
export function transcriptsByDigest(transcripts: readonly CeremonyTranscript[]): Map<string, CeremonyTranscript> {
  return new Map(transcripts.map((t) => [ceremonyDigest(t).toLowerCase(), t]));
}
