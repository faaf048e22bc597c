// What the widget may show of a ballot before anybody logs in: the public facts of the
// organizer's draft (question, options, rules, schedule, eligibility in words) and where
// the ballot lives on chain. No key, no count: the widget re-reads the question, options
// and issuer key from the ballot's BallotCreated event and trusts that copy, not this one.
import type { BallotRecord } from "../ballots/ballot-registry.js";
import { ballotStatus, type BallotStatus } from "../ballots/ballot-view.js";
import { ELIGIBILITY_TIME_ZONE } from "../identity/eligibility.js";

export type WidgetBallot = {
  id: string;
  question: string;
  kind: BallotRecord["draft"]["kind"];
  options: string[];
  /** Bounds of a multiple choice; 0 for the other kinds (PROTOCOL.md §2.2). */
  minChoices: number;
  maxChoices: number;
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
};

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The rules a citizen reads before logging in, in both languages of the widget. */
function eligibilityInWords(minimumAge: number | null, closesAt: number): { fr: string; en: string } {
  if (minimumAge === null || minimumAge === 0) return { fr: "Ouvert à toute personne disposant d'une identité vérifiée.", en: "Open to anyone with a verified identity." };
  // The day as eligibility judges it (server/identity/eligibility.ts: Paris time).
  const day = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: ELIGIBILITY_TIME_ZONE }).format(new Date(closesAt * 1000));
  return {
    fr: `Réservé aux personnes âgées d'au moins ${minimumAge} ans à la clôture du scrutin (${day("fr-FR")}).`,
    en: `Only for people at least ${minimumAge} years old when the ballot closes (${day("en-GB")}).`,
  };
}

/** `closedAt`: Unix seconds of an early close (0 if none), from the registry or the chain. */
export function widgetBallot(record: BallotRecord, closedAt: number, now: number, rpcUrls: readonly string[]): WidgetBallot {
  const d = record.draft;
  return {
    id: record.id,
    question: d.question,
    kind: d.kind,
    options: d.options,
    minChoices: d.minChoices,
    maxChoices: d.maxChoices,
    opensAt: iso(d.opensAt),
    closesAt: iso(d.closesAt),
    allowRevote: d.allowRevote,
    liveResults: d.liveResults,
    status: ballotStatus(d.opensAt, d.closesAt, closedAt, now),
    eligibility: { minimumAge: d.eligibility.minimumAge, judgedAt: iso(d.closesAt), ...eligibilityInWords(d.eligibility.minimumAge, d.closesAt) },
    chain: { chainId: record.chain.chainId, ballotBox: record.chain.ballotBox, blockNumber: record.chain.blockNumber, txHash: record.chain.txHash, rpcUrls },
  };
}
