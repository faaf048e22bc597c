// Which field of a proof differs from the vote the chain recorded (PROTOCOL.md §9.2 P4),
// so that a failed check names the field instead of saying "no match".
import type { SignedVote } from "../ballot.js";
import type { Text } from "./proof-steps.js";

const FIELDS = ["revision", "payload", "tokenSignature", "voterSignature"] as const;

const NAMES: Record<(typeof FIELDS)[number], Text> = {
  revision: { fr: "la révision", en: "revision" },
  payload: { fr: "le bulletin (payload)", en: "payload" },
  tokenSignature: { fr: "le jeton (tokenSignature)", en: "tokenSignature" },
  voterSignature: { fr: "la signature de l'électeur (voterSignature)", en: "voterSignature" },
};

/**
 * Short forms of two differing values that show WHERE they differ: a one-character change
 * in a 514-digit signature must be visible, not hidden by an ellipsis.
 */
function around(claimed: string, recorded: string): [string, string] {
  if (claimed.length <= 24 && recorded.length <= 24) return [claimed, recorded];
  let i = 0;
  while (i < claimed.length && claimed[i].toLowerCase() === recorded[i]?.toLowerCase()) i++;
  const from = Math.max(0, i - 6);
  const cut = (v: string) => `${from > 0 ? "…" : ""}${v.slice(from, i + 8)}${i + 8 < v.length ? "…" : ""} (${v.length - 2} hex digits)`;
  return [`digit ${i - 1}: ${cut(claimed)}`, cut(recorded)];
}

/** The differing fields of `recorded` (same ballot and voter) and `claimed`, or undefined when equal. */
export function describeVoteDifference(recorded: SignedVote, claimed: SignedVote): Text | undefined {
  const differing = FIELDS.filter((f) => String(recorded[f]).toLowerCase() !== String(claimed[f]).toLowerCase());
  if (differing.length === 0) return undefined;
  const line = (lang: "fr" | "en") => differing
    .map((f) => {
      const [mine, theirs] = around(String(claimed[f]), String(recorded[f]));
      return lang === "fr"
        ? `${NAMES[f].fr} : ${mine.replace(/^digit (\d+):/, "chiffre $1 :").replace("hex digits", "chiffres hexadécimaux")} dans la preuve, ${theirs.replace("hex digits", "chiffres hexadécimaux")} sur la chaîne`
        : `${NAMES[f].en}: ${mine} in the proof, ${theirs} on chain`;
    })
    .join("; ");
  return { fr: line("fr"), en: line("en") };
}
