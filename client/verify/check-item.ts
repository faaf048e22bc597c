// One line of the verify page's result list (a proof's check, or an audit file's): the step id, a mark and a WORD for the verdict
// (never colour alone), the step's name and what was found.
import type { ProofCheck } from "../../protocol/audit/proof-steps.js";
import type { AuditCheck } from "../../protocol/sealed/audit-checks.js";
import { h } from "../shared/dom.js";
import type { Key, Lang } from "../shared/public-i18n.js";

const MARKS = { true: "✓", false: "✗", skipped: "–", replaced: "↻" } as const;
const WORDS = { true: "verdictOk", false: "verdictFail", skipped: "verdictSkip", replaced: "verdictReplaced" } as const satisfies Record<string, Key>;

export function checkItem(check: ProofCheck | AuditCheck, lang: Lang, t: (key: Key) => string): HTMLLIElement {
  const verdict = String(check.ok) as keyof typeof MARKS;
  return h("li", { "data-step": check.step, "data-ok": verdict },
    h("span", { class: "mark", "aria-hidden": "true" }, MARKS[verdict]),
    h("span", { class: "step" }, check.step),
    h("span", {}, h("span", { class: "verdict" }, t(WORDS[verdict])), " — ", check.label[lang]),
    h("span", { class: "detail" }, check.detail[lang]));
}
