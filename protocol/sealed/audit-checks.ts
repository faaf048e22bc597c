// The checks of a ballot audit file (PROTOCOL.md §11.8, ballot-audit.ts) as steps with
// their words in French and English, each passed, failed or not run: what the verify page
// shows one by one when a voter gives it the audit file the widget made (the Benaloh
// challenge), in the same shape as the proof checks (audit/proof-steps.ts).
import { UrneError } from "../errors.js";
import type { Choice } from "../payload.js";
import type { StepOutcome, Text } from "../audit/proof-steps.js";
import { checkAuditEncryption, checkAuditProofs, checkAuditTracker, parseBallotAudit, type BallotAudit } from "./ballot-audit.js";
import type { SealedPayload } from "./sealed-payload.js";
import { trackerText } from "./tracker.js";

export type AuditStep = "A1" | "A2" | "A3" | "A4";
export type AuditCheck = { step: AuditStep; label: Text; ok: StepOutcome; detail: Text };

export const AUDIT_STEP_LABELS: Readonly<Record<AuditStep, Text>> = Object.freeze({
  A1: { fr: "le fichier est un fichier d'audit de bulletin", en: "the file is a ballot audit file" },
  A2: { fr: "le code de suivi est celui du bulletin", en: "the tracking code is the ballot's" },
  A3: { fr: "le bulletin chiffré est valide (toutes ses preuves)", en: "the encrypted ballot is valid (every proof)" },
  A4: { fr: "le bulletin chiffre exactement le choix affiché", en: "the ballot encrypts exactly the choice shown" },
});

/** The choice in words, numbered as the ballot shows its options (from 1). */
export function choiceWords(choice: Choice): Text {
  const n = (i: number) => String(i + 1);
  switch (choice.kind) {
    case 0: return { fr: `réponse n° ${n(choice.option)}`, en: `answer no. ${n(choice.option)}` };
    case 1: return choice.options.length === 0
      ? { fr: "aucune réponse", en: "no answer" }
      : { fr: `réponses n° ${choice.options.map(n).join(", ")}`, en: `answers no. ${choice.options.map(n).join(", ")}` };
    default: return {
      fr: `mentions par candidat, de 0 (la plus basse) à 5 : ${choice.grades.join(", ")}`,
      en: `grades per candidate, from 0 (lowest) to 5: ${choice.grades.join(", ")}`,
    };
  }
}

const why = (error: unknown): Text => {
  const message = error instanceof UrneError ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error);
  return { fr: message, en: message };
};

/** Runs A1-A4 on an audit file's text, in order; a step after a failed one is not run. */
export function auditChecks(text: string): { checks: AuditCheck[]; audit?: BallotAudit } {
  const checks: AuditCheck[] = [];
  const step = (id: AuditStep, ok: StepOutcome, detail: Text) => checks.push({ step: id, label: AUDIT_STEP_LABELS[id], ok, detail });
  const skipRest = (from: number) => (["A1", "A2", "A3", "A4"] as const).slice(from).forEach((id) => step(id, "skipped", { fr: "non vérifié", en: "not checked" }));
  let audit: BallotAudit;
  try {
    audit = parseBallotAudit(text);
    step("A1", true, { fr: `scrutin ${audit.ballotId}, électeur ${audit.voter}`, en: `ballot ${audit.ballotId}, voter ${audit.voter}` });
  } catch (error) {
    step("A1", false, why(error));
    skipRest(1);
    return { checks };
  }
  const code = trackerText(audit.tracker);
  try {
    checkAuditTracker(audit);
    step("A2", true, { fr: `code de suivi ${code}`, en: `tracking code ${code}` });
  } catch (error) {
    step("A2", false, why(error));
    skipRest(2);
    return { checks, audit };
  }
  let decoded: SealedPayload;
  try {
    decoded = checkAuditProofs(audit);
    step("A3", true, { fr: `${decoded.cells.length} cases chiffrées, chacune 0 ou 1, et leurs sommes conformes au scrutin`, en: `${decoded.cells.length} encrypted cells, each 0 or 1, and their sums as the ballot requires` });
  } catch (error) {
    step("A3", false, why(error));
    skipRest(3);
    return { checks, audit };
  }
  try {
    checkAuditEncryption(audit, decoded);
    const words = choiceWords(audit.choice);
    step("A4", true, { fr: `il chiffre : ${words.fr}`, en: `it encrypts: ${words.en}` });
  } catch (error) {
    const cell = error instanceof UrneError && /^randomness\[(\d+)\]$/.exec(error.field ?? "");
    step("A4", false, cell
      ? {
        fr: `le bulletin ne chiffre pas le choix affiché : la case ${Number(cell[1]) + 1} ne correspond pas (${why(error).fr})`,
        en: `the ballot does not encrypt the choice shown: cell ${Number(cell[1]) + 1} does not match (${why(error).en})`,
      }
      : why(error));
  }
  return { checks, audit };
}
