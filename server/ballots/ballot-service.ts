// Ballots as organizers see them: create (issuer key, sealed at rest, then createBallot on
// chain), read, list, close early (with the issuer's token count) and results. One
// ballot belongs to one app: another app's key never learns that it exists.
import { randomUUID } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { UrneError } from "../../protocol/errors.js";
import { toHex } from "../../protocol/hex.js";
import { issuerKeyToJwk, modulusBytes } from "../../protocol/token/issuer-key.js";
import { generateIssuerKey } from "../../protocol/token/blind-sign.node.js";
import { proveIssuerKey } from "../../protocol/token/key-proof.node.js";
import type { App } from "../apps/app-registry.js";
import { BALLOT_KIND_NAMES, parseBallotInput, type BallotDraft } from "./ballot-input.js";
import type { BallotChain } from "./ballot-chain.js";
import { BallotRegistry, type BallotRecord } from "./ballot-registry.js";
import { computeResults } from "./ballot-results.js";
import { ballotStatus, ballotView, issuerJwkOf, type BallotView } from "./ballot-view.js";
import type { PrivateKeyVault } from "../keys/private-key-vault.js";
import type { FinalityReporter } from "./finality-reporter.js";
import type { RelaySettler } from "./relay-settle.js";
import type { TokenLedger } from "./token-ledger.js";
import { Mutex } from "../chain/mutex.js";
import type { CeremonyRegistry } from "../ceremonies/ceremony-registry.js";
import type { SealedBallotParams } from "./ballot-chain.js";
import { parseCeremonyTranscript } from "../../protocol/sealed/ceremony-transcript.js";
import { nodeSource } from "../../observer/recount/event-source.js";
import { recount } from "../../observer/recount/recount.js";
import { recountedShare } from "../../observer/recount/recounted-share.js";
import type { CountedTracker, ExcludedBallot, SealedReport } from "../../observer/recount/sealed-recount.js";
import { G } from "../../protocol/sealed/group.js";
import { trackerText } from "../../protocol/sealed/tracker.js";
import type { PublicBallot } from "../../protocol/api-types.js";

/** How long a sealed ballot's recount that did not open it is reused before another is run. */
const SEALED_TALLY_REUSE_MS = 10_000;

/** What the results of a closed sealed ballot come from: the recount's verdict (S1-S5), and the counts once t shares opened them. */
type SealedTally = {
  opened: boolean;
  counts: bigint[];
  blockNumber: number;
  sealed: { status: string; tallyDigest: string | null; threshold: number; trustees: string[]; ballotsCounted: number; ballotsExcluded: number; sharesValid: number };
  /** The recount's report of the ballot (its aggregates, each share's verdict, the operator's). */
  report: SealedReport;
  /** The counted ballots' trackers in chain order, and the ballots whose proofs fail (S2). */
  trackers: CountedTracker[];
  excluded: ExcludedBallot[];
};

/**
 * GET /v1/ballots/:id/decryption: who has opened a sealed ballot's tally so far, as the
 * service's recount judges the shares on chain (anyone's recount judges the same).
 */
export type DecryptionStatus = {
  ballotId: string;
  asOf: { blockNumber: number; chainId: string; ballotBox: string };
  status: string;
  opened: boolean;
  threshold: number;
  /** Each trustee in the ceremony's order: its share's verdict, "none" until it posts one. */
  trustees: { account: string; share: "valid" | "invalid" | "none"; why?: string; transactionHash?: string }[];
  /** With an operator's key: the operator (the ballot's organizer) and its share's verdict. */
  operator: { account: string; share: "valid" | "invalid" | "none"; transactionHash?: string } | null;
  /** Shares posted by accounts that are neither, named. */
  others: { account: string; why: string; transactionHash: string }[];
};

/** GET /v1/ballots/:id/trackers: a sealed ballot's counted ballots by tracker, as the service's recount finds them. */
export type TrackerList = {
  ballotId: string;
  asOf: { blockNumber: number; chainId: string; ballotBox: string };
  status: string;
  counted: { code: string; tracker: string; blockNumber: number; transactionHash: string }[];
  excluded: { code: string; tracker: string; revision: number; reason: string; blockNumber: number; transactionHash: string }[];
};

export type BallotServiceDeps = {
  registry: BallotRegistry;
  vault: PrivateKeyVault;
  chain: BallotChain;
  tokenLedger: TokenLedger;
  finality?: FinalityReporter;
  /** Asked to land every acknowledged ballot before an early close (relay-settle.ts); none: no relay to wait for. */
  relay?: RelaySettler;
  /** Where a sealed ballot's key ceremony is read (server/ceremonies/); none: no sealed ballot can be created. */
  ceremonies?: Pick<CeremonyRegistry, "get" | "operatorSecret">;
  /** Unix seconds; replaceable in tests. */
  now?: () => number;
};

const notFound = () => new UrneError("ERR_BALLOT_NOT_FOUND", "No ballot with this id for this app.", { field: "id" });

export class BallotService {
  private readonly closing = new Mutex();

  constructor(private readonly deps: BallotServiceDeps) {}

  now(): number {
    return this.deps.now?.() ?? Math.floor(Date.now() / 1000);
  }

  /**
   * Every check of `create`, nothing made: the organizer console asks it before the
   * irreversible creation on chain, so that its form refuses what the API would, by field.
   */
  async check(app: App, body: unknown): Promise<BallotDraft> {
    return (await this.#checked(app, body)).draft;
  }

  async #checked(app: App, body: unknown): Promise<{ draft: BallotDraft; sealed?: SealedBallotParams }> {
    const draft = parseBallotInput(body, this.now());
    // Before any key is made: a ballot that cannot be sealed as asked is refused whole.
    const sealed = draft.sealing?.kind === "sealed" ? await this.#sealedParams(app, draft.sealing.ceremonyId) : undefined;
    return { draft, ...(sealed ? { sealed } : {}) };
  }

  async create(app: App, body: unknown): Promise<BallotView> {
    const { draft, sealed } = await this.#checked(app, body);
    const { privateKey, publicKey } = generateIssuerKey();
    // Sealed and synced BEFORE the chain knows the key: a crash in between leaves an unused
    // sealed key, never a ballot whose tokens nobody can sign.
    const issuerKeyId = randomUUID();
    await this.deps.vault.put(issuerKeyId, privateKey);
    const params = {
      kind: BALLOT_KIND_NAMES[draft.kind],
      minChoices: draft.minChoices,
      maxChoices: draft.maxChoices,
      opensAt: BigInt(draft.opensAt),
      closesAt: BigInt(draft.closesAt),
      allowRevote: draft.allowRevote,
      liveResults: draft.liveResults,
      issuerModulus: toHex(modulusBytes(publicKey)),
      // PROTOCOL.md §2.5: proves gcd(65537, φ(n)) = 1, i.e. that issuance stays blind.
      issuerKeyProof: toHex(proveIssuerKey(privateKey)),
      question: draft.question,
      options: draft.options,
    };
    const created = await this.deps.chain.createBallot(params, sealed);
    const record: BallotRecord = {
      id: created.ballotId.toString(),
      appId: app.id,
      draft,
      issuerKeyId,
      issuerModulus: issuerKeyToJwk(publicKey).n,
      chain: {
        chainId: this.deps.chain.chainId.toString(),
        ballotBox: this.deps.chain.ballotBox,
        organizer: created.organizer,
        txHash: created.txHash,
        blockNumber: created.blockNumber,
        fingerprint: created.fingerprint,
      },
      ...(sealed ? { sealed } : {}),
      createdAt: new Date().toISOString(),
    };
    await this.deps.registry.put(record);
    return ballotView(record, undefined, this.now());
  }

  /**
   * What createSealedBallot takes from a key ceremony (PROTOCOL.md §11.7, §11.9): one of this
   * app's, on this chain and BallotBox, that every trustee finished (status "done"): its
   * election key, its transcript digest, its trustees in order and its threshold.
   */
  async #sealedParams(app: App, ceremonyId: string): Promise<SealedBallotParams> {
    const field = "ballot.sealing.ceremony";
    if (!this.deps.ceremonies) throw new UrneError("ERR_KEY_CEREMONY", "This service relays no key ceremony: it cannot create a sealed ballot.", { field });
    const ceremony = await this.deps.ceremonies.get(ceremonyId).catch((error: unknown) => {
      if (error instanceof UrneError && error.code === "ERR_CEREMONY_NOT_FOUND") return undefined;
      throw error;
    });
    // Another app's ceremony is not named: it does not exist for this app.
    if (!ceremony || ceremony.appId !== app.id) throw new UrneError("ERR_CEREMONY_NOT_FOUND", "No key ceremony with this id for this app.", { field });
    if (ceremony.chainId !== this.deps.chain.chainId.toString() || ceremony.ballotBox.toLowerCase() !== this.deps.chain.ballotBox.toLowerCase()) {
      throw new UrneError("ERR_KEY_CEREMONY", `This key ceremony was held for chain ${ceremony.chainId} and BallotBox ${ceremony.ballotBox}, not this service's.`, { field });
    }
    if (ceremony.status !== "done" || !ceremony.electionKey || !ceremony.transcriptDigest) {
      throw new UrneError("ERR_KEY_CEREMONY", `This key ceremony is not finished (status ${ceremony.status}): every trustee must accept its transcript first.`, { field });
    }
    // The operator's share is posted by the organizer account: a ceremony naming another could never be opened here.
    if (ceremony.params.operator && ceremony.params.operator.toLowerCase() !== this.deps.chain.organizerAddress.toLowerCase()) {
      throw new UrneError("ERR_KEY_CEREMONY", `This key ceremony's operator is ${ceremony.params.operator}, not this service's organizer account ${this.deps.chain.organizerAddress}.`, { field });
    }
    return { electionKey: ceremony.electionKey, keyCeremonyDigest: ceremony.transcriptDigest, trustees: ceremony.params.trustees, threshold: ceremony.params.threshold };
  }

  /** The app's ballot, or ERR_BALLOT_NOT_FOUND (also for another app's ballot). */
  async owned(app: App, id: string): Promise<BallotRecord> {
    const record = await this.deps.registry.get(id);
    if (!record || record.appId !== app.id) throw notFound();
    return this.#withFingerprint(record);
  }

  /** A record made before fingerprints gets its own, read from its creation transaction, once. */
  async #withFingerprint(record: BallotRecord): Promise<BallotRecord> {
    if (record.chain.fingerprint !== undefined) return record;
    record.chain.fingerprint = await this.deps.chain.fingerprintOf(record.chain.txHash, BigInt(record.id));
    await this.deps.registry.update(record);
    return record;
  }

  /** Any ballot this API created (public endpoints), or ERR_BALLOT_NOT_FOUND. */
  async record(id: string): Promise<BallotRecord> {
    const record = await this.deps.registry.get(id);
    if (!record) throw notFound();
    return record;
  }

  async get(app: App, id: string): Promise<BallotView> {
    const record = await this.owned(app, id);
    return ballotView(record, await this.deps.chain.ballot(BigInt(record.id)), this.now());
  }

  /** A page of the app's ballots, newest first, and the cursor of the next page (null at the end). */
  async list(app: App, page: { limit: number; before?: string } = { limit: 100 }): Promise<{ ballots: BallotView[]; next: string | null }> {
    // One more than asked tells whether another page follows.
    const records = await this.deps.registry.listByApp(app.id, { limit: page.limit + 1, before: page.before });
    const shown = records.slice(0, page.limit);
    const ballots = await Promise.all(shown.map(async (r) => ballotView(await this.#withFingerprint(r), await this.deps.chain.ballot(BigInt(r.id)), this.now())));
    return { ballots, next: records.length > page.limit ? shown[shown.length - 1].id : null };
  }

  /**
   * A page of every ballot of this vote host, newest first, as anyone may see it (the ballots
   * page): what is on chain and public already, with the organizing app's name.
   * `beforeChainReads(n)` is told how many ballots the page holds before the chain is read
   * for them (one read each): the public-read budget charges that, and may refuse the page.
   */
  async publicList(page: { limit: number; before?: string }, organizerOf: (appId: string) => Promise<string>, beforeChainReads: (count: number) => void = () => {}): Promise<{ ballots: PublicBallot[]; next: string | null }> {
    const records = await this.deps.registry.list({ limit: page.limit + 1, before: page.before });
    const shown = records.slice(0, page.limit);
    beforeChainReads(shown.length);
    // One read per app, not per ballot: a page is mostly one organizer's ballots.
    const names = new Map(await Promise.all([...new Set(shown.map((r) => r.appId))].map(async (id) => [id, await organizerOf(id)] as const)));
    const ballots = await Promise.all(shown.map(async (r): Promise<PublicBallot> => {
      const record = await this.#withFingerprint(r);
      const view = ballotView(record, await this.deps.chain.ballot(BigInt(record.id)), this.now());
      return {
        id: view.id, question: view.question, kind: view.kind, organizer: names.get(record.appId)!, status: view.status,
        sealed: record.sealed !== undefined, opensAt: view.opensAt, closesAt: view.closesAt, closedAt: view.closedAt,
        votersCount: view.votersCount ?? 0, tokensIssued: view.tokensIssued,
        relayFinalShare: (await this.deps.finality?.finalShare(BigInt(record.id))) ?? null,
        fingerprint: view.fingerprint, createdAt: { blockNumber: record.chain.blockNumber, txHash: record.chain.txHash },
      };
    }));
    return { ballots, next: records.length > page.limit ? shown[shown.length - 1].id : null };
  }

  /** Closes early on chain, recording how many tokens the issuer signed. */
  async close(app: App, id: string): Promise<BallotView> {
    const record = await this.owned(app, id);
    return this.closing.run(async () => {
      const ballotId = BigInt(record.id);
      const before = await this.deps.chain.ballot(ballotId);
      if (before.closedAt !== 0) throw new UrneError("ERR_BALLOT_CLOSED", "This ballot is already closed.", { field: "id" });
      // close() stops issuance first, so that no token is signed after the count.
      const tokensIssued = await (this.deps.tokenLedger.close?.(ballotId) ?? this.deps.tokenLedger.issuedCount(ballotId));
      // Then the relay lands what it acknowledged and takes no more: a 202 means counted.
      await this.deps.relay?.settle(ballotId);
      const receipt = await this.deps.chain.closeBallot(ballotId, tokensIssued);
      const after = await this.deps.chain.ballot(ballotId);
      record.closed = { ...receipt, tokensIssued, closedAt: after.closedAt };
      await this.deps.registry.update(record);
      return ballotView(record, after, this.now());
    });
  }

  /** Public results; hidden until the close when the ballot does not show live results. */
  async results(id: string) {
    const record = await this.record(id);
    const ballotId = BigInt(record.id);
    const onChain = await this.deps.chain.ballot(ballotId);
    const status = ballotStatus(record.draft.opensAt, record.draft.closesAt, onChain.closedAt, this.now());
    if (!record.draft.liveResults && status !== "closed") {
      throw new UrneError("ERR_RESULTS_HIDDEN", "This ballot shows its results only once it is closed.", { field: "id" });
    }
    const opened = record.sealed ? await this.#openedTally(record) : undefined;
    const { counts, votersCount, blockNumber } = opened ?? (await this.deps.chain.tally(ballotId));
    return {
      ballotId: record.id,
      kind: record.draft.kind,
      question: record.draft.question,
      status,
      final: status === "closed",
      votersCount,
      tokensIssued: onChain.closedAt === 0 ? null : onChain.tokensIssued,
      ...computeResults(record.draft, counts, votersCount),
      asOf: { blockNumber, chainId: record.chain.chainId, ballotBox: record.chain.ballotBox },
      relayFinalShare: (await this.deps.finality?.finalShare(ballotId)) ?? null,
      ...(opened ? { sealed: opened.sealed } : {}),
    };
  }

  /** Sealed tallies being recounted (one at a time per ballot) or recounted lately, by ballot id. */
  readonly #sealedTallies = new Map<string, { at: number; tally: Promise<SealedTally> }>();

  /**
   * A closed sealed ballot's counts (PROTOCOL.md §11.6), as anyone opens them: the ballot
   * recounted from the chain with its key ceremony's transcript (observer/recount, S1-S5:
   * each ballot's proofs, the tally digest, each trustee's share). Fewer than t valid shares:
   * 409 ERR_RESULTS_AWAITING_DECRYPTION saying how many, never a partial number. A recount
   * reads every ballot and checks its proofs: one runs at a time per ballot, and its answer
   * is kept for SEALED_TALLY_REUSE_MS (the counts once opened never change: the shares are
   * of the closed tally).
   */
  async #openedTally(record: BallotRecord): Promise<{ counts: bigint[]; votersCount: number; blockNumber: number; sealed: SealedTally["sealed"] }> {
    const tally = await this.#sealedTally(record);
    if (!tally.opened) throw new UrneError("ERR_RESULTS_AWAITING_DECRYPTION", `This sealed ballot's counts are not open yet: ${tally.sealed.status} (its trustees post them after the close).`, { field: "id" });
    return { counts: tally.counts, votersCount: tally.sealed.ballotsCounted, blockNumber: tally.blockNumber, sealed: tally.sealed };
  }

  /** The ballot's recount, shared by the results and the tracker list: one at a time, reused SEALED_TALLY_REUSE_MS until opened. */
  async #sealedTally(record: BallotRecord): Promise<SealedTally> {
    let entry = this.#sealedTallies.get(record.id);
    const stale = entry !== undefined && Date.now() - entry.at > SEALED_TALLY_REUSE_MS && !(await entry.tally.then((t) => t.opened, () => false));
    if (!entry || stale) {
      entry = { at: Date.now(), tally: this.#recountSealed(record) };
      this.#sealedTallies.set(record.id, entry);
      entry.tally.catch(() => this.#sealedTallies.delete(record.id));
    }
    return entry.tally;
  }

  /**
   * A sealed ballot's counted ballots by tracker (PROTOCOL.md §11.8), so that a voter can
   * find theirs from any device, and the ballots left out because their proofs fail. The
   * service's own recount (the same as the results'); anyone's recount lists the same
   * (`SealedReport.trackers`). A public ballot has none: its choices are on chain.
   */
  async trackers(id: string): Promise<TrackerList> {
    const record = await this.record(id);
    if (!record.sealed) throw new UrneError("ERR_BALLOT_NOT_SEALED", "This ballot is public: its choices are on chain and it has no trackers.", { field: "id" });
    const tally = await this.#sealedTally(record);
    return {
      ballotId: record.id,
      asOf: { blockNumber: tally.blockNumber, chainId: record.chain.chainId, ballotBox: record.chain.ballotBox },
      status: tally.sealed.status,
      counted: tally.trackers.map((t) => ({ code: trackerText(t.tracker), tracker: t.tracker, blockNumber: t.blockNumber, transactionHash: t.transactionHash })),
      excluded: tally.excluded.map((e) => ({ code: trackerText(e.tracker), tracker: e.tracker, revision: e.revision, reason: `${e.code}: ${e.message}`, blockNumber: e.blockNumber, transactionHash: e.transactionHash })),
    };
  }

  /** A sealed ballot's decryption status: each trustee's share, the operator's, and whether the counts are open. */
  async decryption(id: string): Promise<DecryptionStatus> {
    const record = await this.record(id);
    if (!record.sealed) throw new UrneError("ERR_BALLOT_NOT_SEALED", "This ballot is public: it has no trustees and nothing to decrypt.", { field: "id" });
    const tally = await this.#sealedTally(record);
    const s = tally.report;
    const verdictOf = (account: string) => {
      const mine = s.shares.filter((v) => v.trustee.toLowerCase() === account.toLowerCase());
      const valid = mine.find((v) => v.valid);
      if (valid) return { share: "valid" as const, transactionHash: valid.transactionHash };
      if (mine.length === 0) return { share: "none" as const };
      return { share: "invalid" as const, why: mine[0].why ?? "left out", transactionHash: mine[0].transactionHash };
    };
    const named = new Set([...s.trustees, ...(s.operator ? [s.operator.account] : [])].map((a) => a.toLowerCase()));
    return {
      ballotId: record.id,
      asOf: { blockNumber: tally.blockNumber, chainId: record.chain.chainId, ballotBox: record.chain.ballotBox },
      status: s.status, opened: tally.opened, threshold: s.threshold,
      trustees: s.trustees.map((account) => ({ account, ...verdictOf(account) })),
      operator: s.operator ? (({ why: _, ...v }) => ({ account: s.operator!.account, ...v }))(verdictOf(s.operator.account)) : null,
      others: s.shares.filter((v) => !named.has(v.trustee.toLowerCase())).map((v) => ({ account: v.trustee, why: v.why ?? "left out", transactionHash: v.transactionHash })),
    };
  }

  /**
   * The operator's decryption share of a closed sealed ballot whose key ceremony has an
   * operator's key (PROTOCOL.md §11.7): the ballot recounted from the chain after its close
   * (as a trustee does), o·A_k and its proof made with the vault's key, checked, and posted
   * from the organizer account. The operator decrypts the tally's aggregates only, never a
   * ballot: its share alone opens nothing.
   */
  async postOperatorShare(app: App, id: string): Promise<{ ballotId: string; tallyDigest: string; ballotsCounted: number; transactionHash: string; blockNumber: number }> {
    const record = await this.owned(app, id);
    const ceremonyId = record.draft.sealing?.kind === "sealed" ? record.draft.sealing.ceremonyId : undefined;
    if (!record.sealed || !ceremonyId || !this.deps.ceremonies) throw new UrneError("ERR_BALLOT_NOT_SEALED", "This ballot is public: it has no tally to decrypt.", { field: "id" });
    const ceremony = await this.deps.ceremonies.get(ceremonyId);
    if (!ceremony.operator) throw new UrneError("ERR_NO_OPERATOR_KEY", "This ballot's key ceremony has no operator's key: its trustees alone open it.", { field: "id" });
    const ballotId = BigInt(record.id);
    return this.closing.run(async () => {
      const onChain = await this.deps.chain.ballot(ballotId);
      if (ballotStatus(record.draft.opensAt, record.draft.closesAt, onChain.closedAt, this.now()) !== "closed") {
        throw new UrneError("ERR_BALLOT_NOT_CLOSED", "The operator decrypts the tally once the ballot is closed: it may still change.", { field: "id" });
      }
      // A fresh recount, begun after the close. Its tally is the final one only if the chain
      // says closed at the block recounted (this clock is not the chain's): the contract
      // takes one operator share, and a share of a tally that still grew could never be replaced.
      const tally = await this.#recountSealed(record);
      const block = await this.deps.chain.provider.getBlock(tally.blockNumber);
      if (onChain.closedAt === 0 && (!block || block.timestamp < Number(record.draft.closesAt))) {
        throw new UrneError("ERR_BALLOT_NOT_CLOSED", `The chain's block ${tally.blockNumber} is before the ballot's close: its tally may still change.`, { field: "id" });
      }
      const s = tally.report;
      if (s.operator?.share === "valid") throw new UrneError("ERR_CONFLICT", "The operator's share of this ballot is already on chain.", { field: "id" });
      if (s.tallyDigest === null) throw new Error(`sealed ballot ${record.id}: the recount gives no tally (${s.status})`);
      const secret = await this.deps.ceremonies!.operatorSecret(ceremonyId);
      const receipt = await this.deps.chain.submitOperatorShare(ballotId, s.tallyDigest, recountedShare(s, secret, G.multiply(secret)));
      this.#sealedTallies.delete(record.id); // the next results recount sees the share
      return { ballotId: record.id, tallyDigest: s.tallyDigest, ballotsCounted: s.ballotsCounted, transactionHash: receipt.txHash, blockNumber: receipt.blockNumber };
    });
  }

  async #recountSealed(record: BallotRecord): Promise<SealedTally> {
    const ceremonyId = record.draft.sealing?.kind === "sealed" ? record.draft.sealing.ceremonyId : undefined;
    if (!ceremonyId || !this.deps.ceremonies) throw new Error(`sealed ballot ${record.id}: its key ceremony is unknown to this service`);
    const transcript = parseCeremonyTranscript(await this.deps.ceremonies.get(ceremonyId), "ceremony");
    const ballotId = BigInt(record.id);
    const report = await recount(await nodeSource(this.deps.chain.opts.rpcUrl, record.chain.ballotBox, { ballotId }), { ballotId, ceremonies: [transcript], threads: 1, listTrackers: true });
    const b = report.ballots.find((x) => x.ballotId === record.id);
    if (!b?.sealed) throw new Error(`sealed ballot ${record.id}: the recount found no sealed ballot`);
    const s = b.sealed;
    const sealed = {
      status: s.status, tallyDigest: s.tallyDigest, threshold: s.threshold, trustees: s.trustees, ballotsCounted: s.ballotsCounted,
      ballotsExcluded: s.excluded.length, sharesValid: s.shares.filter((v) => v.valid).length,
    };
    return { opened: s.counts !== null, counts: (s.counts ?? []).map(BigInt), blockNumber: report.asOf.blockNumber, sealed, report: s, trackers: s.trackers ?? [], excluded: s.excluded };
  }

  /** The ballot's issuer private key (for the issuer's blind signing only). */
  async issuerPrivateKey(id: string): Promise<KeyObject> {
    const record = await this.record(id);
    const key = await this.deps.vault.get(record.issuerKeyId);
    if (!key) throw new Error(`ballot ${id}: issuer key ${record.issuerKeyId} is missing from the vault`);
    return key;
  }

  /** Every ballot's issuer public key (for /.well-known/urne.json). */
  async issuerKeys() {
    return (await this.deps.registry.all()).map((r) => ({ ballotId: r.id, issuerKey: issuerJwkOf(r) }));
  }
}
