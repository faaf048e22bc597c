// One ballot in the console: what it is, its participation (refreshed), its fingerprint and
// the embed tag that pins it (protocol/embed-tag.ts, the tag the README documents), the real
// widget as a preview, the close (confirmed first: it is final), and its results.
import type { OrganizerBallot } from "../../protocol/api-types.js";
import { embedTag } from "../../protocol/embed-tag.js";
import { decryptionStatus } from "../shared/decryption-status.js";
import { h, show } from "../shared/dom.js";
import { translator, type Lang } from "../shared/public-i18n.js";
import { ballotFacts, type Translate } from "./ballot-facts.js";
import { ApiRefusal, type OrganizerApi } from "./organizer-api.js";

export type PanelHandlers = {
  /** The ballot changed (closed, refreshed): the list shows it anew. */
  onChanged(ballot: OrganizerBallot): void;
  onUnauthorized(): void;
};

/** How often an open ballot's participation is read again while its panel is shown. */
const REFRESH_MS = 20_000;

let refreshTimer: ReturnType<typeof setInterval> | undefined;

/**
 * Where partner sites load embed.js from and its integrity value, as the vote host announces
 * them (/.well-known/urne.json: `apiUrl`, `client.embed.integrity`). Read once; a failed
 * read is not kept, so the next panel asks again.
 */
type EmbedSource = { voteHost: string; integrity?: string };
let embedSource: Promise<EmbedSource | undefined> | undefined;
function embedSourceOf(): Promise<EmbedSource | undefined> {
  embedSource ??= fetch("/.well-known/urne.json", { cache: "no-store" })
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))))
    .then((doc: { apiUrl?: unknown; client?: { embed?: { integrity?: unknown } } }) => {
      const integrity = doc.client?.embed?.integrity;
      const voteHost = typeof doc.apiUrl === "string" ? new URL(doc.apiUrl).origin : location.origin;
      return { voteHost, ...(typeof integrity === "string" ? { integrity } : {}) };
    })
    .catch(() => {
      embedSource = undefined;
      return undefined;
    });
  return embedSource;
}

export function ballotPanel(root: HTMLElement, api: OrganizerApi, initial: OrganizerBallot, t: Translate, lang: Lang, handlers: PanelHandlers): void {
  leavePanel(); // the previous panel's refresh
  let ballot = initial;
  const failure = (error: unknown, where: HTMLElement) => {
    if (error instanceof ApiRefusal && error.status === 401) return handlers.onUnauthorized();
    where.textContent = t("failed", { message: error instanceof Error ? error.message : String(error) });
  };

  // Participation, read again on demand and every REFRESH_MS while the ballot is open.
  const counts = h("p", { class: "counts" });
  const refreshedAt = h("p", { class: "hint" });
  const refresh = h("button", { type: "button", class: "secondary" }, t("refresh"));
  const drawCounts = () => {
    counts.replaceChildren(
      ballot.votersCount === null ? t("votersUnknown") : t("votersCounted", { count: ballot.votersCount }),
      ballot.tokensIssued === null ? "" : ` · ${t("tokensIssued", { count: ballot.tokensIssued })}`);
    refreshedAt.textContent = t("refreshedAt", { time: new Date().toLocaleTimeString(lang === "en" ? "en-GB" : "fr-FR") });
  };
  const reload = () => api.ballot(ballot.id).then((fresh) => {
    ballot = fresh;
    drawCounts();
    handlers.onChanged(fresh);
    if (fresh.status === "closed") leavePanel();
  }, (error) => failure(error, refreshedAt));
  refresh.addEventListener("click", () => void reload());
  if (ballot.status !== "closed") refreshTimer = setInterval(() => void reload(), REFRESH_MS);
  // A ballot just created comes without its count from the chain (the API answers as soon as
  // it is on chain): read it now rather than show it as unknown.
  if (ballot.votersCount === null) void reload();

  // The embed tag, in the language and presentation chosen, with embed.js pinned when announced.
  const tagCode = h("code", { id: "embed-tag" });
  const tagLang = h("select", { id: "embed-lang" }, h("option", { value: "fr" }, "Français"), h("option", { value: "en" }, "English"));
  const modes = (["card", "button"] as const).map((mode, i) =>
    h("input", { type: "radio", name: "embed-mode", id: `embed-mode-${mode}`, value: mode, ...(i === 0 ? { checked: true } : {}) }));
  const copyStatus = h("p", { role: "status", class: "hint" });
  // No tag to copy until the vote host has said where embed.js is and its integrity value:
  // a tag copied before would not pin the code partners' visitors run.
  const copy = h("button", { type: "button", disabled: true }, t("copy"));
  const tagNote = h("p", { class: "hint" });
  let source: EmbedSource | undefined;
  const drawTag = () => {
    if (!ballot.fingerprint || !source) return;
    const mode = modes.find((m) => m.checked)?.value === "button" ? "button" as const : undefined;
    tagCode.textContent = embedTag({ voteHost: source.voteHost, ballotId: ballot.id, fingerprint: ballot.fingerprint, lang: tagLang.value === "en" ? "en" : "fr", ...(source.integrity ? { integrity: source.integrity } : {}), ...(mode ? { mode } : {}) });
    copy.disabled = false;
  };
  tagLang.addEventListener("change", drawTag);
  modes.forEach((m) => m.addEventListener("change", drawTag));
  void embedSourceOf().then((found) => {
    source = found;
    if (!found) tagNote.textContent = t("tagUnavailable");
    else if (!found.integrity) tagNote.textContent = t("tagUnpinned");
    drawTag();
  });
  copy.addEventListener("click", () => {
    navigator.clipboard.writeText(tagCode.textContent ?? "").then(() => {
      copyStatus.textContent = t("copied");
    }, () => {
      copyStatus.textContent = t("copyFailed");
      getSelection()?.selectAllChildren(tagCode);
    });
  });

  // Closing: asked, then confirmed, because it is final.
  const closeArea = h("div", { class: "close-area" });
  /** The close area; its "Clôturer maintenant…" button, if the ballot is open. */
  const drawClose = (): HTMLButtonElement | undefined => {
    if (ballot.status === "closed") {
      closeArea.replaceChildren(h("p", {}, t("alreadyClosed")));
      return undefined;
    }
    const ask = h("button", { type: "button", class: "danger" }, t("closeNow"));
    ask.addEventListener("click", () => {
      const status = h("p", { role: "status" });
      const yes = h("button", { type: "button", class: "danger" }, t("closeConfirm"));
      const no = h("button", { type: "button", class: "secondary" }, t("cancel"));
      no.addEventListener("click", () => drawClose()?.focus());
      yes.addEventListener("click", () => {
        yes.disabled = true;
        no.disabled = true;
        status.textContent = t("closing");
        api.close(ballot.id).then((closed) => {
          handlers.onChanged(closed);
          // Drawn again whole: its facts (closed on...), the preview (the widget of a closed
          // ballot) and its results are no longer those of an open ballot.
          ballotPanel(root, api, closed, t, lang, handlers);
          root.prepend(h("p", { class: "summary", "data-state": "ok", role: "status" }, t("closedDone", { count: closed.tokensIssued ?? 0 })));
        }, (error) => {
          no.disabled = false;
          yes.disabled = false;
          failure(error, status);
        });
      });
      closeArea.replaceChildren(h("div", { class: "confirm", role: "group", "aria-label": t("closeHeading") }, h("p", {}, t("closeConfirmText", { question: ballot.question })), h("div", { class: "actions" }, yes, no), status));
      no.focus();
    });
    closeArea.replaceChildren(ask);
    return ask;
  };

  // Results: the public page, and the API's JSON to download once they exist.
  const resultsArea = h("div", { class: "results-area" });
  const drawResults = () => {
    const page = h("a", { href: `/results/${encodeURIComponent(ballot.id)}?lang=${lang}` }, t("resultsPage"));
    if (ballot.status !== "closed" && !ballot.liveResults) {
      resultsArea.replaceChildren(h("p", {}, t("resultsHidden")), h("p", {}, page));
      return;
    }
    // A closed sealed ballot: whose decryption shares are in (its counts open at t valid shares).
    const shares = h("div", { class: "decryption" });
    if (ballot.sealing.kind === "sealed" && ballot.status === "closed") {
      void decryptionStatus(ballot.id, translator(lang)).then((shown) => {
        if (shown) shares.replaceChildren(...shown);
      }, () => {});
    }
    const status = h("p", { role: "status" });
    const download = h("button", { type: "button", class: "secondary" }, t("download"));
    download.addEventListener("click", () => {
      status.textContent = "";
      api.resultsText(ballot.id).then((text) => {
        const link = h("a", { href: URL.createObjectURL(new Blob([text], { type: "application/json" })), download: `resultats-scrutin-${ballot.id}.json` });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      }, (error) => {
        status.textContent = t("downloadFailed", { message: error instanceof Error ? error.message : String(error) });
      });
    });
    resultsArea.replaceChildren(shares, h("div", { class: "actions" }, download), status, h("p", {}, page));
  };

  drawCounts();
  drawTag();
  drawClose();
  drawResults();
  const preview = h("iframe", { src: `/widget/${encodeURIComponent(ballot.id)}?lang=${lang}`, title: t("previewTitle", { question: ballot.question }), class: "preview", loading: "lazy" });
  show(root,
    h("h2", {}, t("panelHeading", { id: ballot.id })),
    ballotFacts(ballot, t, lang),
    h("h3", {}, t("participation")), counts, refreshedAt, h("div", { class: "actions" }, refresh),
    h("h3", {}, t("fingerprint")), h("p", {}, h("code", { id: "fingerprint" }, ballot.fingerprint ?? "—")), h("p", { class: "hint" }, t("fingerprintHint")),
    h("h3", {}, t("embedHeading")),
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "embed-lang" }, t("embedLang")), tagLang),
      h("fieldset", { class: "field" }, h("legend", {}, t("embedMode")),
        h("div", { class: "choice" }, modes[0], " ", h("label", { for: modes[0].id }, t("modeCard"))),
        h("div", { class: "choice" }, modes[1], " ", h("label", { for: modes[1].id }, t("modeButton"))))),
    h("pre", {}, tagCode), tagNote, h("div", { class: "actions" }, copy), copyStatus,
    h("h3", {}, t("previewHeading")), h("p", { class: "hint" }, t("previewNote")), preview,
    h("h3", {}, t("closeHeading")), closeArea,
    h("h3", {}, t("resultsHeading")), resultsArea);
}

/** Stops the participation refresh: the panel is gone, replaced, or its ballot closed. */
export function leavePanel(): void {
  if (refreshTimer !== undefined) clearInterval(refreshTimer);
  refreshTimer = undefined;
}
