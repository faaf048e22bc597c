// How the API shows a ballot: the organizer's draft, its state on chain, the issuer public
// key, and a plain statement of what the system keeps secret and what it does not
// (PROTOCOL.md §5: in v1, choices are public on chain).
import type { BallotStatus, CheckedBallot, OrganizerBallot } from "../../protocol/api-types.js";
import type { BallotDraft } from "./ballot-input.js";
import { issuerKeyFromJwk, issuerKeyToJwk, type IssuerJwk } from "../../protocol/token/issuer-key.js";
import type { BallotRecord } from "./ballot-registry.js";
import type { OnChainBallot } from "./ballot-chain.js";

export const SECRECY_NOTICE_FR =
  "Protocole v1 : les choix sont publics sur la chaîne. Chacun peut lire comment chaque adresse de vote a voté, " +
  "mais pas qui la détient : le jeton signé à l'aveugle sépare l'identité du votant de son adresse. " +
  "Ce scrutin n'est donc pas secret au sens d'un vote chiffré.";
export const SECRECY_NOTICE_EN =
  "Protocol v1: choices are public on the chain. Anyone can read how each voting address voted, but not who holds it: " +
  "the blind-signed token separates the voter's identity from that address. This ballot is not secret in the sense of an encrypted vote.";

export const SEALED_NOTICE_FR =
  "Scrutin scellé (protocole v2) : chaque choix est chiffré dans le navigateur sous la clé de l'élection, partagée entre les garants " +
  "désignés ; seuls les totaux sont déchiffrés, après la clôture, quand assez de garants publient leur part. Chacun peut recompter.";
export const SEALED_NOTICE_EN =
  "Sealed ballot (protocol v2): each choice is encrypted in the browser under the election key, shared among the named trustees; " +
  "only the totals are decrypted, after the close, once enough trustees post their shares. Anyone can recount.";

/** The widget reads it too: one declaration for both sides of HTTP. */
export type { BallotStatus };

export function ballotStatus(opensAt: number, closesAt: number, closedAt: number, now: number): BallotStatus {
  if (closedAt !== 0 || now >= closesAt) return "closed";
  return now < opensAt ? "scheduled" : "open";
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function issuerJwkOf(record: BallotRecord): IssuerJwk {
  return issuerKeyToJwk(issuerKeyFromJwk({ kty: "RSA", n: record.issuerModulus, e: "AQAB" }, "issuerKey"));
}

/** The organizer's draft as the API shows it, in a ballot's view and in a checked draft alike. */
function draftFields(d: BallotDraft) {
  return {
    question: d.question,
    kind: d.kind,
    options: d.options,
    ...(d.kind === "multiple_choice" ? { minChoices: d.minChoices, maxChoices: d.maxChoices } : {}),
    opensAt: iso(d.opensAt),
    closesAt: iso(d.closesAt),
    allowRevote: d.allowRevote,
    liveResults: d.liveResults,
  };
}

export function ballotView(record: BallotRecord, onChain: OnChainBallot | undefined, now: number): OrganizerBallot {
  const d = record.draft;
  const closedAt = onChain?.closedAt ?? 0;
  return {
    id: record.id,
    appId: record.appId,
    status: ballotStatus(d.opensAt, d.closesAt, closedAt, now),
    ...draftFields(d),
    closedAt: closedAt === 0 ? null : iso(closedAt),
    eligibility: { minimumAge: d.eligibility.minimumAge, judgedAt: iso(d.closesAt) },
    votersCount: onChain?.votersCount ?? null,
    tokensIssued: closedAt === 0 ? null : (onChain?.tokensIssued ?? null),
    issuerKey: issuerJwkOf(record),
    /**
     * PROTOCOL.md §6.7: the hash of the ballot's BallotCreated event. The partner site puts it
     * in the embed tag (data-fingerprint), and the widget refuses a ballot that does not match.
     */
    fingerprint: record.chain.fingerprint ?? null,
    chain: { ...record.chain, ballotId: record.id },
    /** PROTOCOL.md §11: "public" (choices in clear on chain), or sealed under a key ceremony's election key. */
    sealing: record.sealed
      ? { kind: "sealed" as const, ceremonyId: record.draft.sealing?.kind === "sealed" ? record.draft.sealing.ceremonyId : null, ...record.sealed }
      : { kind: "public" as const },
    secrecy: record.sealed ? { fr: SEALED_NOTICE_FR, en: SEALED_NOTICE_EN } : { fr: SECRECY_NOTICE_FR, en: SECRECY_NOTICE_EN },
    createdAt: record.createdAt,
  };
}

export type BallotView = OrganizerBallot;

/** A checked draft as POST /v1/ballots/check answers it: the body POST /v1/ballots takes, defaults filled in. */
export function checkedBallotView(d: BallotDraft): CheckedBallot {
  return {
    ...draftFields(d),
    eligibility: { minimumAge: d.eligibility.minimumAge },
    sealing: d.sealing?.kind === "sealed" ? { ceremony: d.sealing.ceremonyId } : "public",
  };
}
