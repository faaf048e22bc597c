// The JSON that crosses the HTTP boundary between urne's servers and its browser code,
// declared once for both sides: the server builds these values, the widget reads them
// (types only, nothing runs). A field changed here breaks the compile on both sides, not
// the widget in production. Browser-safe.
import type { CeremonyParams, Round1Package } from "./sealed/key-ceremony.js";
import type { ShareMessage } from "./sealed/trustee.js";
import type { OperatorPackage } from "./sealed/operator-key.js";
import type { IssuerJwk } from "./token/issuer-key.js";

/** A ballot's state, by its schedule and an early close. */
export type BallotStatus = "scheduled" | "open" | "closed";

/**
 * GET /v1/widget/ballots/:id (server/web/widget-ballot.ts): what the widget may show of a
 * ballot before anybody logs in. The widget trusts the chain's copy of the question,
 * options and issuer key (its BallotCreated event), not this one.
 */
export type WidgetBallot = {
  id: string;
  question: string;
  kind: "single_choice" | "multiple_choice" | "majority_judgment";
  options: string[];
  /** Bounds of a multiple choice; 0 for the other kinds (PROTOCOL.md §2.2). */
  minChoices: number;
  maxChoices: number;
  /** ISO 8601. */
  opensAt: string;
  closesAt: string;
  allowRevote: boolean;
  liveResults: boolean;
  status: BallotStatus;
  eligibility: { minimumAge: number | null; judgedAt: string; fr: string; en: string };
  /**
   * Where to find the BallotCreated event: the block of the creation transaction, and the
   * public JSON-RPC URLs (those of /.well-known/urne.json, here so that the widget's first
   * screen does not download well-known's issuer keys of every ballot).
   */
  chain: { chainId: string; ballotBox: string; blockNumber: number; txHash: string; rpcUrls: readonly string[] };
  /**
   * The fingerprint the vote host recorded at creation (null for a ballot made before
   * fingerprints). The widget's first screen compares it with the embed tag's, to say at once
   * that a tag was copied wrong; the check that protects the voter is the chain's, later.
   */
  fingerprint: string | null;
};

/** Where a ballot the relay took stands: journaled, in a transaction sent, counted (final), or refused by the contract. */
export type ReceiptStatus = "pending" | "submitted" | "final" | "rejected";

/** GET /v1/receipts/:id (server/relay): public facts only (the vote itself is public on chain). */
export type ReceiptView = {
  receiptId: string;
  status: ReceiptStatus;
  ballotId: string;
  voter: string;
  revision: number;
  /** The transaction that counted or refused it; while submitted, the current one. */
  txHash?: string;
  blockNumber?: number;
  /** The contract's error name, for a rejected ballot. */
  reason?: string;
};

/** Where a key ceremony stands (PROTOCOL.md §11.7): every trustee's package, shares, acceptance. */
export type CeremonyStatus = "round1" | "shares" | "accept" | "done";

/** A key ceremony as the vote host keeps it: each trustee's signed messages, by index (1-based, as JSON keys). */
export type CeremonyRecord = {
  ceremonyId: string;
  appId: string;
  createdAt: string;
  chainId: string;
  ballotBox: string;
  params: CeremonyParams;
  round1: Record<string, { package: Round1Package; signature: string }>;
  shares: Record<string, { messages: ShareMessage[]; signature: string }>;
  accepts: Record<string, { transcriptDigest: string; signature: string }>;
  /** The operator's key and its proof, when params.operator names one (operator-key.ts); its secret is in the vote host's key vault. */
  operator?: OperatorPackage;
};

/**
 * GET /v1/ceremonies/:id (server/ceremonies/ceremony-registry.ts), and the answer of each
 * POST: all of a ceremony, with where it stands; read by `urne trustee` (trustee/).
 */
export type CeremonyView = CeremonyRecord & { status: CeremonyStatus; electionKey: string | null; transcriptDigest: string | null };


/** GET /v1/public-ballots: one ballot of the vote host, as anyone may see it (the ballots page). */
export type PublicBallot = {
  id: string;
  question: string;
  kind: "single_choice" | "multiple_choice" | "majority_judgment";
  /** The organizing app's name. */
  organizer: string;
  status: BallotStatus;
  /** Protocol v2: choices encrypted, only the totals decrypted after the close. */
  sealed: boolean;
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  /** Voters counted on chain. */
  votersCount: number;
  /** Tokens the issuer signed, known once the ballot is closed. */
  tokensIssued: number | null;
  /** The share of the relay's acknowledged ballots final on chain (null when this host runs no relay). */
  relayFinalShare: number | null;
  /** PROTOCOL.md §6.7: what a partner's embed tag pins (null for a ballot made before fingerprints, until read). */
  fingerprint: string | null;
  /** The block and transaction that created it. */
  createdAt: { blockNumber: number; txHash: string };
};

export type PublicBallotList = {
  ballots: PublicBallot[];
  /** The `before` cursor of the next page; null at the end. */
  next: string | null;
  /** Where to recount: this chain's id, its BallotBox, public nodes (any other node will do). */
  chain: { chainId: string; ballotBox: string; rpcUrls: string[] };
};

/** GET /v1/app: the organizer app an API key belongs to (the organizer console shows it). */
export type OrganizerApp = {
  id: string;
  name: string;
  /** The sites that may embed its ballots. */
  origins: string[];
};

/** POST, GET /v1/ballots(/:id), POST /v1/ballots/:id/close (server/ballots/ballot-view.ts): a ballot as its organizer sees it. */
export type OrganizerBallot = {
  id: string;
  appId: string;
  status: BallotStatus;
  question: string;
  kind: "single_choice" | "multiple_choice" | "majority_judgment";
  options: string[];
  /** Multiple choice only. */
  minChoices?: number;
  maxChoices?: number;
  /** ISO 8601. */
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  allowRevote: boolean;
  liveResults: boolean;
  eligibility: { minimumAge: number | null; judgedAt: string };
  /** Voters counted on chain; null when the node did not answer. */
  votersCount: number | null;
  /** Tokens the issuer signed, once closed. */
  tokensIssued: number | null;
  /** The issuer's RSA public key (JWK). */
  issuerKey: IssuerJwk;
  /** PROTOCOL.md §6.7: what the partner's embed tag pins. */
  fingerprint: string | null;
  chain: { chainId: string; ballotBox: string; organizer: string; txHash: string; blockNumber: number; fingerprint?: string; ballotId: string };
  sealing:
    | { kind: "public" }
    | { kind: "sealed"; ceremonyId: string | null; electionKey: string; keyCeremonyDigest: string; trustees: string[]; threshold: number };
  secrecy: { fr: string; en: string };
  createdAt: string;
};

/** GET /v1/ballots: one page of the app's ballots, newest first. */
export type OrganizerBallotList = { ballots: OrganizerBallot[]; next: string | null };

/**
 * POST /v1/ballots/check: the ballot the API would create from this body, every default
 * filled in (the options of a single choice, the opening time), nothing created; in the
 * shape POST /v1/ballots takes, so that it may be sent as it is (within the 5 minutes an
 * opening time may lie in the past).
 */
export type CheckedBallot = {
  question: string;
  kind: OrganizerBallot["kind"];
  options: string[];
  minChoices?: number;
  maxChoices?: number;
  opensAt: string;
  closesAt: string;
  allowRevote: boolean;
  liveResults: boolean;
  eligibility: { minimumAge: number | null };
  sealing: "public" | { ceremony: string };
};
