// The results page (GET /results/:ballotId): the question, the number of ballots, the
// counts and shares as charts with their tables, whether they are final, and links to
// check a proof or recount. Read from the public API on this origin; refreshed while the
// vote is open (the API hides the counts until the close when the ballot asks it to). A
// sealed ballot's page also lists its counted ballots by tracking code (tracker-list.ts),
// and until its counts are open, whose decryption share is in (shared/decryption-status.ts).
import "../shared/public-pages.css";
import type { ChoiceResults, MajorityJudgmentResults } from "../../protocol/results.js";
import { h } from "../shared/dom.js";
import { publicHeader } from "../shared/public-header.js";
import { formatNumber, pageLang, translator } from "../shared/public-i18n.js";
import { choiceChart, majorityJudgmentChart } from "./charts.js";
import { trackerSection } from "./tracker-list.js";
import { decryptionStatus } from "../shared/decryption-status.js";

/** GET /v1/ballots/:id/results (server/ballots/ballot-service.ts). */
type Results = {
  ballotId: string;
  kind: "single_choice" | "multiple_choice" | "majority_judgment";
  question: string;
  status: "scheduled" | "open" | "closed";
  final: boolean;
  votersCount: number;
  tokensIssued: number | null;
  relayFinalShare: number | null;
  asOf: { blockNumber: number };
} & Partial<ChoiceResults & MajorityJudgmentResults>;

const REFRESH_MS = 10_000;
const lang = pageLang();
const t = translator(lang);
const main = document.getElementById("urne-main")!;
const ballotId = main.dataset.ballotId!;
document.body.insertBefore(publicHeader(lang, t), main);

const heading = main.querySelector("h1")!;
const body = h("div", { id: "results-body" }, h("p", { role: "status" }, t("loading")));
const links = h("footer", { class: "links" },
  h("a", { href: `/verify?lang=${lang}` }, t("linkVerify")),
  h("a", { href: `/observer?lang=${lang}` }, t("linkObserver")));
main.replaceChildren(heading, body, links);

function render(r: Results): void {
  heading.textContent = r.question;
  document.title = `${r.question} — urne`;
  const status = r.status === "open" ? t("statusOpen") : r.status === "closed" ? t("statusClosed") : t("statusScheduled");
  const fact = (value: string, label: string) => h("li", {}, h("strong", {}, value), " ", label);
  const facts = h("ul", { class: "facts" },
    h("li", {}, h("span", { class: r.final ? "badge final" : "badge live" }, status), " ", r.final ? t("final") : t("provisional")),
    fact(formatNumber(lang, r.votersCount), t("ballots", { count: r.votersCount })),
    r.tokensIssued === null ? null : fact(formatNumber(lang, r.tokensIssued), t("tokensIssued", { count: r.tokensIssued })),
    h("li", {}, t("finalShare"), lang === "fr" ? "\u00A0: " : ": ", h("strong", {}, r.relayFinalShare === null ? t("unknown") : `${formatNumber(lang, r.relayFinalShare * 100)}${lang === "fr" ? "\u00A0" : ""}%`)));
  const chart = r.kind === "majority_judgment"
    ? majorityJudgmentChart(r as unknown as MajorityJudgmentResults, lang, t)
    : choiceChart(r as unknown as ChoiceResults, lang, t, r.kind === "multiple_choice");
  const time = new Date().toLocaleTimeString(lang === "en" ? "en-GB" : "fr-FR");
  body.replaceChildren(facts, chart, h("p", { class: "hint" }, t("updatedAt", { time, block: r.asOf.blockNumber })));
}

function notice(text: string, hint?: string): void {
  body.replaceChildren(h("p", { class: "summary" }, text));
  if (hint) body.append(h("p", { class: "hint" }, hint));
}

async function load(): Promise<void> {
  let live = true;
  try {
    const res = await fetch(`/v1/ballots/${encodeURIComponent(ballotId)}/results`, { cache: "no-store" });
    const answer = (await res.json()) as { results?: Results; error?: { code: string; message: string } };
    if (answer.results) {
      render(answer.results);
      live = !answer.results.final;
    } else if (answer.error?.code === "ERR_RESULTS_HIDDEN") {
      notice(t("hidden"), t("hiddenHint"));
    } else if (answer.error?.code === "ERR_RESULTS_AWAITING_DECRYPTION") {
      // A sealed ballot, closed: no count exists until its trustees' shares open it (PROTOCOL.md §11.6);
      // whose share is in, and the operator's when the ceremony has its key (§11.7.1).
      notice(t("awaitingDecryption"));
      const status = await decryptionStatus(ballotId, t).catch(() => null);
      if (status) body.append(...status);
    } else if (res.status === 404) {
      notice(t("notFound"));
      live = false;
    } else {
      notice(t("loadFailed", { why: answer.error?.message ?? `HTTP ${res.status}` }));
    }
  } catch (error) {
    notice(t("loadFailed", { why: (error as Error).message }));
  }
  if (live) setTimeout(() => void load(), REFRESH_MS);
}

void load();
// A sealed ballot's counted ballots by tracking code: a voter finds theirs (a public ballot has none).
if (main.dataset.sealed === "true") trackerSection(ballotId, lang, t).then((section) => section && main.insertBefore(section, links), () => {});
