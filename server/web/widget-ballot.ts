// What the widget may show of a ballot before anybody logs in: the public facts of the
// organizer's draft (question, options, rules, schedule, eligibility in words) and where
// the ballot lives on chain. No key, no count: the widget re-reads the question, options
// and issuer key from the ballot's BallotCreated event and trusts that copy, not this one.
// The answer's type is protocol/api-types.ts's WidgetBallot, the one the widget reads.
import type { WidgetBallot } from "../../protocol/api-types.js";
import type { BallotRecord } from "../ballots/ballot-registry.js";
import { ballotStatus } from "../ballots/ballot-view.js";
import { ELIGIBILITY_TIME_ZONE } from "../identity/eligibility.js";

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
    fingerprint: record.chain.fingerprint ?? null,
  };
}
