// The relay (docs/ARCHITECTURE.md §3, steps 6 and 9): takes a signed vote from anybody (no session:
// the ballot carries no identity), checks it as the contract will (vote-check.ts, against
// the chain's state), journals it durably, and only then acknowledges it with a receipt
// id; the submitter carries it to the chain. The same ballot posted again gets the same
// receipt (the widget may retry safely); another ballot under the same (ballot, voter,
// revision) is a conflict.
import { randomBytes } from "node:crypto";
import type { Wallet } from "ethers";
import { checkModulus, describeModulusProblem, issuerKeyFromModulus, UrneError, type BallotOnChain, type ModulusCheck, type SignedVote, type VoteErrorName } from "../../protocol/index.js";
import { KeyedLock } from "../http/keyed-lock.js";
import { getBytes } from "ethers";
import { validateRules, type BallotKind } from "../../protocol/ballot.js";
import { electionKeyHash, sealedContexts } from "../../protocol/sealed/ballot-context.js";
import type { BallotBoxView } from "./ballot-box-view.js";
import { VoteCheckPool } from "../../protocol/vote-check-pool.node.js";
import { storeVote, voteKey, type RelayJournal } from "./journal.js";
import type { ReceiptView } from "../../protocol/api-types.js";
import { Submitter, type SubmitterOptions } from "./submitter.js";
import { parseVoteBody } from "../../protocol/signed-vote-input.js";
import { SETTLE_MAX_SECONDS, settleSigner } from "../../protocol/relay-settle.js";
import type { RelayBallotStatus } from "./finality.js";
import { doorStatus } from "../chain/door-status.js";
import type { StoreHealth } from "../store/durable-level.js";

/** The contract's verdict → the API's coded error (statuses in server/http/http-errors.ts). */
const CODE_BY_ERROR: Record<VoteErrorName, string> = {
  BallotBoxUnknownBallot: "ERR_BALLOT_NOT_FOUND",
  BallotBoxClosed: "ERR_BALLOT_CLOSED",
  BallotBoxNotOpenYet: "ERR_BALLOT_NOT_OPEN",
  BallotBoxAlreadyVoted: "ERR_ALREADY_VOTED",
  BallotBoxStaleRevision: "ERR_STALE_REVISION",
  BallotBoxInvalidPayloadLength: "ERR_INVALID_PAYLOAD",
  BallotBoxInvalidPayloadByte: "ERR_INVALID_PAYLOAD",
  BallotBoxInvalidTokenSignature: "ERR_INVALID_TOKEN",
  BallotBoxInvalidVoterSignature: "ERR_INVALID_SIGNATURE",
};

/** Modulus verdicts kept at most (one per ballot; only existing ballots reach the check). */
const MAX_MODULUS_VERDICTS = 1024;

export type RelayOptions = {
  chainId: bigint;
  /**
   * Seconds before a ballot's scheduled close from which the relay stops taking its ballots:
   * what it acknowledges, it must land before the close (default 10).
   */
  closeMarginSeconds?: number;
  /** Seconds the contract will see; default the wall clock (blocks are sealed at "now"). */
  clock?: () => bigint;
  submitter?: SubmitterOptions;
  /** Worker threads running checkVote off the event loop (protocol/vote-check-pool.node.ts); 0: inline. */
  checkThreads?: number;
};

export class Relay {
  readonly submitter: Submitter;
  /** Votes being checked and journaled, by (ballot, voter, revision): concurrent twins share one answer. */
  #inFlight = new Map<string, Promise<{ receiptId: string; vote: SignedVote }>>();
  readonly #byVoter = new KeyedLock();
  /** Ballots being checked and journaled, per ballot: a settle waits for them too. */
  readonly #accepting = new Map<string, number>();
  readonly #clock: () => bigint;
  readonly #checks: VoteCheckPool;
  /** checkModulus's verdict per issuer modulus (tens of ms each): once per ballot, not per vote. */
  readonly #modulusVerdicts = new Map<string, ModulusCheck>();

  constructor(readonly journal: RelayJournal, readonly view: BallotBoxView, relayer: Wallet, private readonly opts: RelayOptions) {
    this.submitter = new Submitter(journal, view, relayer, opts.submitter);
    this.#clock = opts.clock ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    this.#checks = new VoteCheckPool(opts.checkThreads);
  }

  /** Reconciles the journal with the chain; accept() may be called once this resolves. */
  start(): Promise<void> {
    return this.submitter.start();
  }

  async stop(): Promise<void> {
    await this.submitter.stop();
    await this.#checks.close();
  }

  /** Checks and journals a vote (body of POST /v1/votes); resolves once it is on disk. */
  async accept(body: unknown): Promise<{ receiptId: string }> {
    const vote = parseVoteBody(body);
    const key = voteKey(vote);
    let entry = this.#inFlight.get(key);
    if (!entry) {
      // One voter's revisions one after the other, in arrival order: a revote is checked
      // against its predecessor once that one is journaled (or refused), so it is never
      // journaled (hence packed) before it, and a predecessor arriving second is stale.
      entry = this.#byVoter.run(`${vote.ballotId}!${vote.voter.toLowerCase()}`, () => this.#acceptNew(vote)).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, entry);
      return { receiptId: (await entry).receiptId };
    }
    // A twin in flight that was refused says nothing about this vote (anyone may post a
    // bad vote under another voter's address): check this one on its own then.
    const first = await entry.catch(() => undefined);
    if (!first) return this.accept(body);
    checkSame(first.vote, vote);
    return { receiptId: first.receiptId };
  }

  async #acceptNew(vote: SignedVote): Promise<{ receiptId: string; vote: SignedVote }> {
    const existing = await this.journal.receiptIdOf(vote);
    if (existing) {
      const receipt = (await this.journal.receipt(existing))!;
      checkSame(receipt.vote, vote);
      return { receiptId: existing, vote };
    }
    const id = vote.ballotId.toString();
    this.#accepting.set(id, (this.#accepting.get(id) ?? 0) + 1);
    try {
      return await this.#checkAndJournal(vote);
    } finally {
      const left = this.#accepting.get(id)! - 1;
      if (left > 0) this.#accepting.set(id, left);
      else this.#accepting.delete(id);
    }
  }

  async #checkAndJournal(vote: SignedVote): Promise<{ receiptId: string; vote: SignedVote }> {
    // A journal that cannot be written acknowledges nothing more (ERR_STORE_UNAVAILABLE, a 503): refused before any work.
    const failure = this.journal.failure;
    if (failure) throw failure;
    // A ballot being closed takes no new ballot: what is acknowledged is what lands (PROTOCOL.md §6.4).
    const now = this.#clock();
    const closingUntil = this.journal.closingUntil(vote.ballotId);
    if (closingUntil !== undefined && BigInt(closingUntil) > now) {
      throw new UrneError("ERR_BALLOT_CLOSING", "This ballot is being closed: no more ballots are taken.", { field: "vote.ballotId" });
    }
    const ballot = await chainRead(() => this.view.ballot(vote.ballotId));
    if (ballot && ballot.closedAt === 0n && ballot.closesAt > now && ballot.closesAt - now <= BigInt(this.opts.closeMarginSeconds ?? 10)) {
      throw new UrneError("ERR_BALLOT_CLOSING", "This ballot closes in a few seconds: a ballot sent now could not be recorded in time.", { field: "vote.ballotId" });
    }
    let recorded: { revision: number } | undefined;
    if (ballot) {
      this.#refuseUnsafeIssuerKey(vote.ballotId, ballot);
      recorded = await chainRead(() => this.view.voteOf(vote.ballotId, vote.voter));
      // A revision journaled here and not yet on chain counts as recorded too: the
      // contract will see it first (the journal is submitted in arrival order).
      const mine = await this.journal.latestOfVoter(vote.ballotId, vote.voter);
      if (mine && mine.status !== "rejected" && (!recorded || mine.vote.revision > recorded.revision)) recorded = { revision: mine.vote.revision };
    }
    const verdict = await this.#checks.check(ballot, vote, { chainId: this.opts.chainId, ballotBox: this.view.address, now: this.#clock(), recorded });
    if (!verdict.ok) {
      throw new UrneError(CODE_BY_ERROR[verdict.error], `The ballot box would refuse this vote: ${verdict.error}.`, { field: `vote.${verdict.field}` });
    }
    if ("sealed" in verdict) await this.#checkSealedProofs(ballot!, vote);
    const receipt = await this.journal.append(randomBytes(16).toString("hex"), vote);
    this.submitter.enqueue(receipt);
    return { receiptId: receipt.receiptId, vote };
  }

  /**
   * A sealed ballot's proofs (PROTOCOL.md §11.5): the contract checks its length and version
   * byte only, so a ballot whose proofs fail would land and then be left out by every
   * counter. The relay carries none: ERR_INVALID_BALLOT_PROOF naming the proof. The context
   * binds the chain, the BallotBox, the ballot, its election key and the voter, so a ballot
   * copied to another voter fails here too.
   */
  async #checkSealedProofs(ballot: BallotOnChain, vote: SignedVote): Promise<void> {
    const sealing = await chainRead(() => this.view.sealing(vote.ballotId));
    if (!sealing) throw new Error(`ballot ${vote.ballotId}: the vote check says sealed, the BallotBox does not`);
    const rules = validateRules({ kind: ballot.kind as BallotKind, optionCount: ballot.optionCount, minChoices: ballot.minChoices, maxChoices: ballot.maxChoices });
    const electionKey = getBytes(sealing.electionKey);
    // A ballot's rules and key never change once sealed: its part of every context is encoded once.
    let contextOf = this.#sealedContexts.get(vote.ballotId);
    if (!contextOf) {
      contextOf = sealedContexts({ chainId: this.opts.chainId, ballotBox: this.view.address, ballotId: vote.ballotId, electionKeyHash: electionKeyHash(electionKey, sealing.keyCeremonyDigest), rules });
      this.#sealedContexts.set(vote.ballotId, contextOf);
    }
    await this.#checks.verifySealed({ context: contextOf(vote.voter), electionKey, rules, payload: getBytes(vote.payload), field: "vote.payload" });
  }

  /** Each sealed ballot's voter contexts (PROTOCOL.md §11.4), by ballot id. */
  readonly #sealedContexts = new Map<bigint, (voter: string) => Uint8Array>();

  /**
   * POST /v1/ballots/:id/settle, before an early close: the ballot's organizer (checked by its
   * signature against the chain) asks the relay to take no new ballot for it until
   * `expiresAt`, and to land every one it acknowledged. Resolves with the ballot's counts
   * once none is left pending, or throws ERR_RELAY_BACKLOG after `waitMs`.
   */
  async settle(request: { ballotId: bigint; expiresAt: number; signature: string }, waitMs = 60_000): Promise<RelayBallotStatus> {
    const now = Number(this.#clock());
    if (!Number.isSafeInteger(request.expiresAt) || request.expiresAt <= now || request.expiresAt > now + SETTLE_MAX_SECONDS) {
      throw new UrneError("ERR_INVALID_SETTLE", `expiresAt must be within the next ${SETTLE_MAX_SECONDS} seconds.`, { field: "expiresAt" });
    }
    const ballot = await chainRead(() => this.view.ballot(request.ballotId));
    if (!ballot) throw new UrneError("ERR_BALLOT_NOT_FOUND", "No ballot with this id on chain.", { field: "ballotId" });
    let signer: string;
    try {
      signer = settleSigner({ chainId: this.opts.chainId, ballotBox: this.view.address, ballotId: request.ballotId, expiresAt: request.expiresAt }, request.signature);
    } catch {
      throw new UrneError("ERR_INVALID_SETTLE", "The signature is not a signature.", { field: "signature" });
    }
    if (signer.toLowerCase() !== ballot.organizer.toLowerCase()) {
      throw new UrneError("ERR_FORBIDDEN", "Only the ballot's organizer may settle it.", { field: "signature" });
    }
    const id = request.ballotId.toString();
    await this.journal.setClosing(id, request.expiresAt);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const status = this.journal.finality.status(request.ballotId);
      if (!this.#accepting.has(id) && status.acknowledged === status.final + status.rejected) return status;
      if (Date.now() > deadline) {
        throw new UrneError("ERR_RELAY_BACKLOG", `${status.acknowledged - status.final - status.rejected} acknowledged ballots of this ballot are not on chain yet; try again shortly.`, { field: "ballotId" });
      }
      this.submitter.wake();
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The contract checks one Fermat witness of the issuer modulus; the rule of PROTOCOL.md §2.5 is
   * stricter (no factor below 2^16, not a perfect power, a Miller-Rabin witness). A ballot whose
   * modulus fails it has a key anyone may sign tokens with: the relay carries none of its votes.
   * checkVote stays the contract's exact verdict, so this is refused here, before it.
   */
  #refuseUnsafeIssuerKey(ballotId: bigint, ballot: BallotOnChain): void {
    let verdict = this.#modulusVerdicts.get(ballot.issuerModulus);
    if (!verdict) {
      verdict = checkModulus(issuerKeyFromModulus(ballot.issuerModulus).n);
      if (this.#modulusVerdicts.size >= MAX_MODULUS_VERDICTS) this.#modulusVerdicts.clear();
      this.#modulusVerdicts.set(ballot.issuerModulus, verdict);
    }
    if (!verdict.ok) {
      throw new UrneError("ERR_UNSAFE_ISSUER_KEY", `Ballot ${ballotId} has an unsafe issuer key (PROTOCOL.md §2.5): ${describeModulusProblem(verdict)}. The relay carries no vote for it.`, { field: "vote.ballotId" });
    }
  }

  /**
   * GET /health: whether the journal can be written (nothing is acknowledged otherwise),
   * whether the chain answers (and, if urne's chain does not, what its door says: replaying,
   * how far), and how many ballots wait to be settled.
   */
  async health(): Promise<{ status: "ok" | "degraded"; journal: StoreHealth; chain: { blockNumber: number | null; door?: unknown }; backlog: number }> {
    const blockNumber = await this.view.provider.getBlockNumber().catch(() => null);
    const door = blockNumber === null ? await doorStatus(this.view.provider._getConnection().url) : undefined;
    const journal = this.journal.health();
    return {
      status: blockNumber === null || !journal.ok ? "degraded" : "ok", journal,
      chain: { blockNumber, ...(door ? { door } : {}) }, backlog: this.submitter.backlog,
    };
  }

  async receipt(receiptId: string): Promise<ReceiptView> {
    const r = /^[0-9a-f]{32}$/.test(receiptId) ? await this.journal.receipt(receiptId) : undefined;
    if (!r) throw new UrneError("ERR_RECEIPT_NOT_FOUND", "No ballot has this receipt id.", { field: "receiptId" });
    return {
      receiptId: r.receiptId, status: r.status, ballotId: r.vote.ballotId, voter: r.vote.voter, revision: r.vote.revision,
      ...(r.txHash && r.status !== "pending" ? { txHash: r.txHash } : {}),
      ...(r.blockNumber !== undefined ? { blockNumber: r.blockNumber } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    };
  }
}

/** Same (ballot, voter, revision) must mean the same ballot, byte for byte. */
function checkSame(first: SignedVote | ReturnType<typeof storeVote>, vote: SignedVote) {
  const a = storeVote({ ...first, ballotId: BigInt(first.ballotId) });
  const b = storeVote(vote);
  if (a.payload !== b.payload || a.tokenSignature !== b.tokenSignature || a.voterSignature !== b.voterSignature) {
    throw new UrneError("ERR_VOTE_CONFLICT", "Another ballot of this voter with this revision was already received.", { field: "vote" });
  }
}

/** A node that does not answer is a 503, not our bug. */
async function chainRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (cause) {
    throw new UrneError("ERR_CHAIN_UNAVAILABLE", "The chain node does not answer; try again shortly.", { cause });
  }
}
