// The results page's list of a sealed ballot's counted ballots by tracking code (PROTOCOL.md
// §11.8, GET /v1/ballots/:id/trackers): a voter finds their ballot from any device by the
// code the widget showed and their proof names, and sees it counted, left out (proofs not
// valid), or absent (replaced by a later vote, or not there). Nothing here can tell whose
// ballot a code is. A public ballot has no list (its choices are on chain).
import { h } from "../shared/dom.js";
import { formatNumber, type Lang, type translator } from "../shared/public-i18n.js";

/** GET /v1/ballots/:id/trackers (server/ballots/ballot-service.ts, TrackerList). */
type TrackerList = {
  asOf: { blockNumber: number };
  status: string;
  counted: { code: string; blockNumber: number; transactionHash: string }[];
  excluded: { code: string; reason: string }[];
};

/** Codes shown in the list itself; the search covers them all. */
const SHOWN = 500;

/** "rq94 c0c6-ywhk s4ky" → "RQ94-C0C6-YWHK-S4KY", as Crockford base32 reads it (O as 0, I and L as 1); undefined if not 16 such characters. */
export function normalizeTrackerCode(input: string): string | undefined {
  const chars = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(chars)) return undefined;
  return chars.match(/.{4}/g)!.join("-");
}

/** The section for ballot `ballotId`, or null when the ballot is public or its list cannot be read yet. */
export async function trackerSection(ballotId: string, lang: Lang, t: ReturnType<typeof translator>): Promise<HTMLElement | null> {
  const res = await fetch(`/v1/ballots/${encodeURIComponent(ballotId)}/trackers`, { cache: "no-store" });
  if (!res.ok) return null;
  const { trackers } = (await res.json()) as { trackers: TrackerList };
  const counted = new Map(trackers.counted.map((c) => [c.code, c]));
  const excluded = new Map(trackers.excluded.map((e) => [e.code, e]));

  const input = h("input", { id: "tracker-search", type: "text", autocomplete: "off", spellcheck: "false", "aria-describedby": "tracker-result", placeholder: "XXXX-XXXX-XXXX-XXXX" });
  const result = h("p", { id: "tracker-result", role: "status", "aria-live": "polite" });
  const form = h("form", { class: "tracker-search", novalidate: true },
    h("label", { for: "tracker-search" }, t("trackerSearchLabel")), " ", input, " ", h("button", { type: "submit" }, t("trackerSearchButton")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = normalizeTrackerCode(input.value);
    result.removeAttribute("data-state");
    if (!code) {
      result.textContent = t("trackerBadCode");
      return;
    }
    const found = counted.get(code);
    const left = excluded.get(code);
    result.dataset.state = found ? "ok" : "fail";
    result.textContent = found ? t("trackerFound", { code, block: found.blockNumber })
      : left ? t("trackerExcluded", { code, reason: left.reason })
      : t("trackerMissing", { code });
  });

  const codes = trackers.counted.map((c) => c.code).sort();
  const list = h("details", {},
    h("summary", {}, codes.length === 1 ? t("trackersShowOne") : t("trackersShowAll", { count: formatNumber(lang, codes.length) })),
    h("ol", { class: "trackers" }, ...codes.slice(0, SHOWN).map((code) => h("li", {}, code))),
    codes.length > SHOWN ? h("p", { class: "hint" }, t("trackersMore", { count: formatNumber(lang, codes.length - SHOWN) })) : null);
  const left = trackers.excluded.length === 0 ? null : h("div", {},
    h("p", {}, t("trackersExcludedHeading", { count: trackers.excluded.length })),
    h("ul", { class: "trackers" }, ...trackers.excluded.map((e) => h("li", {}, e.code))));
  return h("section", { id: "trackers", "aria-labelledby": "trackers-heading" },
    h("h2", { id: "trackers-heading" }, t("trackersHeading")),
    h("p", {}, trackers.counted.length === 1 ? t("trackersIntroOne", { block: trackers.asOf.blockNumber }) : t("trackersIntro", { count: formatNumber(lang, trackers.counted.length), block: trackers.asOf.blockNumber })),
    form, result, list, left);
}
