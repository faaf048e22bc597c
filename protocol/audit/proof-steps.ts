// The steps of a proof-of-vote check (PROTOCOL.md §9.2), their ids and their names in
// French and English. One list for the CLI (`urne verify`) and the verify page, so both
// print the same step ids and words.

export type ProofStep = "P1" | "P2" | "P3" | "P4" | "P5" | "P6" | "P7" | "P8" | "P9";

/** A sentence in the two languages urne speaks; French is the default. */
export type Text = { fr: string; en: string };

/**
 * Passed, failed, or not run because a step it needs failed (never silently passed); for
 * P8 and P9 only, "replaced": the voter's later revision replaced this vote, which is not
 * a fault of the proof (the proof of that later vote is the one that counts).
 */
export type StepOutcome = boolean | "skipped" | "replaced";

export type ProofCheck = { step: ProofStep; label: Text; ok: StepOutcome; detail: Text };

export const PROOF_STEPS: readonly ProofStep[] = Object.freeze(["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"]);

export const STEP_LABELS: Readonly<Record<ProofStep, Text>> = Object.freeze({
  P1: { fr: "le fichier est une preuve de vote", en: "the file is a proof of vote" },
  P2: { fr: "le nœud est sur la chaîne de la preuve", en: "the node is on the proof's chain" },
  P3: { fr: "transaction incluse dans la chaîne", en: "transaction included" },
  P4: { fr: "le bulletin enregistré est celui de la preuve", en: "ballot event matches" },
  P5: { fr: "jeton de vote valide pour ce scrutin", en: "token signature valid for this ballot" },
  P6: { fr: "signature de l'électeur valide", en: "voter signature valid" },
  P7: { fr: "voté pendant l'ouverture du scrutin", en: "cast while the ballot was open" },
  P8: { fr: "dernière version du vote", en: "latest revision" },
  P9: { fr: "vote compté par le contrat", en: "counted" },
});
