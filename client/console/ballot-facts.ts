// A ballot in words, the same list for the draft the API checked (before creation) and for a
// ballot on chain (its panel): kind, answers, schedule, rules, secrecy.
import type { CheckedBallot, OrganizerBallot } from "../../protocol/api-types.js";
import { h } from "../shared/dom.js";
import type { Lang } from "../shared/public-i18n.js";
import type { consoleTranslator } from "./strings.js";

export type Translate = ReturnType<typeof consoleTranslator>;

export const dateText = (lang: Lang, iso: string) =>
  new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "fr-FR", { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(iso));

export function ballotFacts(b: CheckedBallot | OrganizerBallot, t: Translate, lang: Lang): HTMLElement {
  const kind = b.kind === "single_choice" ? t("kindSingleShort")
    : b.kind === "majority_judgment" ? t("kindJudgmentShort")
    : t("kindMultipleShort", { min: b.minChoices ?? 1, max: b.maxChoices ?? b.options.length });
  const closedAt = "closedAt" in b ? b.closedAt : null;
  // A checked draft says its sealing as the API takes it ("public", { ceremony }); a ballot as the API shows it ({ kind, ceremonyId }).
  const s = b.sealing;
  const ceremony = typeof s === "string" ? undefined : "ceremony" in s ? s.ceremony : s.kind === "sealed" ? (s.ceremonyId ?? "?") : undefined;
  const sealing = ceremony === undefined ? t("publicRule") : t("sealedRule", { ceremony });
  return h("div", { class: "ballot-facts" },
    h("p", { class: "question" }, b.question),
    h("p", { class: "hint" }, kind),
    h("ul", { class: "choices" }, ...b.options.map((o) => h("li", {}, o))),
    h("ul", { class: "facts" },
      h("li", {}, t("opensAt", { date: dateText(lang, b.opensAt) })),
      h("li", {}, closedAt ? t("closedAt", { date: dateText(lang, closedAt) }) : t("closesAt", { date: dateText(lang, b.closesAt) })),
      h("li", {}, b.eligibility.minimumAge === null ? t("ageNone") : t("ageRule", { age: b.eligibility.minimumAge })),
      b.allowRevote ? h("li", {}, t("revoteYes")) : null,
      h("li", {}, b.liveResults ? t("liveYes") : t("liveNo")),
      h("li", {}, sealing)));
}
