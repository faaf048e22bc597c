// The ballots page (GET /ballots): every ballot of this vote host, newest first, as an
// observer or a citizen wants to see them at a glance: the question (a link to its
// results), who organizes it, whether it is open, public or sealed, how many ballots are
// counted and how many tokens were issued, the share the relay saw final on chain, the
// ballot's fingerprint (what a partner's embed tag pins) and the command that recounts it
// from one's own node. Read from the public API on this origin (/v1/public-ballots).
import "../shared/public-pages.css";
import type { PublicBallot, PublicBallotList } from "../../protocol/api-types.js";
import { h } from "../shared/dom.js";
import { publicHeader } from "../shared/public-header.js";
import { formatNumber, pageLang, translator } from "../shared/public-i18n.js";

const lang = pageLang();
const t = translator(lang);
const main = document.getElementById("urne-main")!;
document.body.insertBefore(publicHeader(lang, t), main);

const heading = main.querySelector("h1")!;
const intro = h("p", { class: "hint" }, t("ballotsIntro"));
const recount = h("div", { class: "recount" });
const body = h("div", { id: "ballots-body" }, h("p", { role: "status" }, t("ballotsLoading")));
const more = h("button", { type: "button", class: "secondary", hidden: true }, t("ballotsMore"));
main.replaceChildren(heading, intro, recount, body, more);

const dateOf = (iso: string) => new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "fr-FR", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(iso));
const percent = (share: number | null) => (share === null ? t("unknown") : `${formatNumber(lang, share * 100)}${lang === "fr" ? "\u00A0" : ""}%`);

function row(b: PublicBallot): HTMLElement {
  const status = b.status === "open" ? t("statusOpen") : b.status === "closed" ? t("statusClosed") : t("statusScheduled");
  const when = b.status === "closed" ? (b.closedAt ?? b.closesAt) : b.status === "open" ? b.closesAt : b.opensAt;
  const whenLabel = b.status === "closed" ? t("ballotsClosedOn", { date: dateOf(when) }) : b.status === "open" ? t("ballotsClosesOn", { date: dateOf(when) }) : t("ballotsOpensOn", { date: dateOf(when) });
  const fingerprint = b.fingerprint ?? "";
  return h("tr", {},
    h("th", { scope: "row" },
      h("a", { href: `/results/${encodeURIComponent(b.id)}?lang=${lang}` }, b.question),
      h("span", { class: "sub" }, `n° ${b.id} · ${b.organizer}`)),
    h("td", {},
      h("span", { class: b.status === "closed" ? "badge final" : "badge live" }, status), " ",
      h("span", { class: "badge" }, b.sealed ? t("ballotsSealed") : t("ballotsPublic")),
      h("span", { class: "sub" }, whenLabel)),
    h("td", { class: "num" },
      `${formatNumber(lang, b.votersCount)} ${t("ballots", { count: b.votersCount })}`,
      b.tokensIssued === null ? null : h("span", { class: "sub" }, `${formatNumber(lang, b.tokensIssued)} ${t("tokensIssued", { count: b.tokensIssued })}`)),
    h("td", { class: "num" }, percent(b.relayFinalShare)),
    h("td", {}, fingerprint ? h("code", { title: fingerprint }, `${fingerprint.slice(0, 10)}…${fingerprint.slice(-8)}`) : "—"),
    h("td", {}, h("code", {}, `urne recount --ballot ${b.id}`)));
}

let table: HTMLTableSectionElement | undefined;

function render(list: PublicBallotList, append: boolean): void {
  recount.replaceChildren(
    h("p", {}, t("ballotsRecountIntro")),
    h("pre", {}, h("code", {}, `urne recount --rpc ${list.chain.rpcUrls[0] ?? "NODE"} --ballot-box ${list.chain.ballotBox} --ballot N`)),
    h("p", {}, h("a", { href: `/observer?lang=${lang}` }, t("ballotsRecountHowTo"))));
  if (!append || !table) {
    if (list.ballots.length === 0) {
      body.replaceChildren(h("p", { class: "summary" }, t("ballotsEmpty")));
      return;
    }
    table = h("tbody", {});
    const caption = t("ballotsCaption");
    body.replaceChildren(h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
      h("table", { class: "ballots" },
        h("caption", {}, caption),
        h("thead", {}, h("tr", {},
          ...(["colBallot", "colStatus", "colParticipation", "colFinalShare", "colFingerprint", "colRecount"] as const).map((k) => h("th", { scope: "col" }, t(k))))),
        table)));
  }
  table.append(...list.ballots.map(row));
  more.hidden = list.next === null;
  more.dataset.before = list.next ?? "";
}

async function load(before?: string): Promise<void> {
  try {
    const res = await fetch(`/v1/public-ballots${before ? `?before=${encodeURIComponent(before)}` : ""}`, { cache: "no-store" });
    if (!res.ok) throw new Error(String(res.status));
    render((await res.json()) as PublicBallotList, before !== undefined);
  } catch {
    body.replaceChildren(h("p", { class: "summary", role: "alert" }, t("ballotsUnavailable")));
  }
}

more.addEventListener("click", () => void load(more.dataset.before));
void load();
