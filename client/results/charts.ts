// The results as charts AND tables: horizontal bars per option (single and multiple
// choice), stacked merit-profile bars per candidate with the median line (majority
// judgment). The bars are drawn with CSS widths and hidden from screen readers; the table
// next to each chart holds the same numbers, so nothing is said by the picture alone.
import type { ChoiceResults, MajorityJudgmentResults } from "../../protocol/results.js";
import { h } from "../shared/dom.js";
import { formatList, formatNumber, type Key, type Lang } from "../shared/public-i18n.js";

type T = (key: Key, params?: Record<string, string | number>) => string;
/** "12,5 %" in French (a no-break space), "12.5%" in English. */
const pct = (lang: Lang, value: number) => `${formatNumber(lang, value)}${lang === "en" ? "" : "\u00A0"}%`;

/** Widths through the CSSOM: the page's CSP (style-src 'self') refuses style="" attributes. */
function sized<E extends HTMLElement>(element: E, percent: number): E {
  element.style.width = `${Math.max(0, Math.min(100, percent))}%`;
  return element;
}

/**
 * A table that may be wider than a phone scrolls in its own box; the box is focusable and
 * named so that a keyboard can scroll it too (WCAG 2.1.1).
 */
function scrollable(table: HTMLTableElement, name: string): HTMLElement {
  return h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": name }, table);
}

export function choiceChart(r: ChoiceResults, lang: Lang, t: T, multiple: boolean): HTMLElement {
  const leaders = new Set(r.leaders);
  const bars = h("div", { class: "bars", "aria-hidden": "true" },
    ...r.options.map((o) => h("div", { class: leaders.has(o.index) ? "bar-row leader" : "bar-row" },
      h("span", { class: "bar-label" }, o.label),
      h("span", { class: "bar-track" }, sized(h("span", { class: "bar-fill" }), o.percent)),
      h("span", { class: "bar-value" }, `${t("votes", { count: o.votes })} · ${pct(lang, o.percent)}`))));
  const table = h("table", {},
    h("caption", {}, t("tableCaption")),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("colOption")), h("th", { scope: "col", class: "num" }, t("colVotes")), h("th", { scope: "col", class: "num" }, t("colPercent")))),
    h("tbody", {}, ...r.options.map((o) => h("tr", {},
      h("th", { scope: "row" }, o.label, leaders.has(o.index) ? ` (${t("leader")})` : ""),
      h("td", { class: "num" }, formatNumber(lang, o.votes)),
      h("td", { class: "num" }, pct(lang, o.percent))))));
  return h("section", { class: "chart" }, multiple ? h("p", { class: "hint" }, t("multipleHint")) : null, bars, scrollable(table, t("tableCaption")));
}

export function majorityJudgmentChart(r: MajorityJudgmentResults, lang: Lang, t: T): HTMLElement {
  const gradeLabel = (grade: number) => {
    const g = r.grades[grade];
    return lang === "en" ? g.labelEn : g.label;
  };
  const legend = h("ul", { class: "legend", "aria-hidden": "true" },
    ...r.grades.map((g) => h("li", {}, h("span", { class: `swatch g${g.grade}` }), lang === "en" ? g.labelEn : g.label)));
  // Candidates in ranking order: the winner first, as a reader expects.
  const ordered = r.ranking.map((i) => r.candidates.find((c) => c.index === i)!);
  const rows = h("div", { class: "bars", "aria-hidden": "true" },
    ...ordered.map((c) => h("div", { class: c.index === r.winner ? "mj-row winner" : "mj-row" },
      h("span", { class: "bar-label" }, c.label),
      h("span", { class: "mj-track" },
        ...c.profile.filter((p) => p.percent > 0).map((p) => sized(h("span", { class: `mj-seg g${p.grade}`, title: `${gradeLabel(p.grade)}${lang === "fr" ? "\u00A0: " : ": "}${pct(lang, p.percent)}` }), p.percent)),
        h("span", { class: "mj-median" })),
      h("span", { class: "mj-grade" },
        c.majorityGrade === null ? "—" : t("mjGrade", { grade: gradeLabel(c.majorityGrade) }), " · ", t("mjRank", { rank: c.rank }), c.index === r.winner ? " ★" : ""))));
  const winner = r.winner === null ? null : r.candidates.find((c) => c.index === r.winner)!;
  // No winner with ballots counted: the best candidates have identical profiles (a tie).
  const tied = winner === null && ordered[0]?.majorityGrade != null ? ordered.filter((c) => c.rank === 1) : [];
  const table = h("table", {},
    h("caption", {}, t("mjTableCaption")),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("colCandidate")),
      ...r.grades.map((g) => h("th", { scope: "col", class: "num" }, lang === "en" ? g.labelEn : g.label)),
      h("th", { scope: "col" }, t("colMajority")), h("th", { scope: "col", class: "num" }, t("colRank")))),
    h("tbody", {}, ...ordered.map((c) => h("tr", {},
      h("th", { scope: "row" }, c.label),
      ...c.profile.map((p) => h("td", { class: "num" }, pct(lang, p.percent))),
      h("td", {}, c.majorityGrade === null ? "—" : gradeLabel(c.majorityGrade)),
      h("td", { class: "num" }, String(c.rank))))));
  return h("section", { class: "chart" },
    h("p", { class: "hint" }, t("mjIntro")),
    h("p", { class: "winner-line" }, h("strong", {}, winner && winner.majorityGrade !== null
      ? t("mjWinner", { name: winner.label, grade: gradeLabel(winner.majorityGrade) })
      : tied.length > 1
        ? t("mjTie", { names: formatList(lang, tied.map((c) => c.label)), grade: gradeLabel(tied[0].majorityGrade!) })
        : t("mjNoWinner"))),
    legend, rows, scrollable(table, t("mjTableCaption")));
}
