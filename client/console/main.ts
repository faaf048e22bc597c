// The organizer console (GET /console): sign in with the app's API key, then the app's
// ballots, a form to create one (ballot-form.ts), and one ballot's panel (ballot-panel.ts).
// Every action is a call of the organizers' JSON API on this origin (organizer-api.ts):
// the console can do nothing that the API does not let the key's holder do anyway.
import "../shared/public-pages.css";
import "./console.css";
import type { OrganizerApp, OrganizerBallot } from "../../protocol/api-types.js";
import { h, show } from "../shared/dom.js";
import { publicHeader } from "../shared/public-header.js";
import { formatList, pageLang, translator } from "../shared/public-i18n.js";
import { ballotForm } from "./ballot-form.js";
import { ballotPanel, leavePanel } from "./ballot-panel.js";
import { ApiRefusal, OrganizerApi } from "./organizer-api.js";
import { consoleTranslator } from "./strings.js";

const lang = pageLang();
const t = consoleTranslator(lang);
const main = document.getElementById("urne-main")!;
document.body.insertBefore(publicHeader(lang, translator(lang)), main);
const heading = main.querySelector("h1")!;

function signInScreen(notice?: string): void {
  leavePanel();
  // A text field shown masked, not a password field: a browser offers to save what is typed
  // in a password field (and may sync it), and the key must stay in this tab only.
  const key = h("input", { type: "text", id: "api-key", class: "secret", autocomplete: "off", autocapitalize: "off", spellcheck: "false", "aria-describedby": "api-key-hint api-key-problem" });
  const problem = h("p", { class: "problem", id: "api-key-problem", role: "alert" }, notice ?? "");
  const submit = h("button", { type: "submit" }, t("signIn"));
  const form = h("form", { novalidate: true },
    h("div", { class: "field" }, h("label", { for: "api-key" }, t("keyLabel")), h("p", { class: "hint", id: "api-key-hint" }, t("keyHint")), key, problem),
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = key.value.trim();
    if (value === "") {
      problem.textContent = t("keyMissing");
      key.focus();
      return;
    }
    submit.disabled = true;
    problem.textContent = "";
    submit.textContent = t("signingIn");
    OrganizerApi.signIn(value).then(({ api, app }) => signedIn(api, app), (error) => {
      submit.disabled = false;
      submit.textContent = t("signIn");
      problem.textContent = error instanceof ApiRefusal ? (error.status === 401 ? t("keyRefused") : t("failed", { message: error.message })) : t("unreachable");
      key.focus();
    });
  });
  main.replaceChildren(heading, h("p", {}, t("intro")), form);
}

function signedIn(api: OrganizerApi, app: OrganizerApp): void {
  const signOut = h("button", { type: "button", class: "secondary" }, t("signOut"));
  const unauthorized = () => {
    OrganizerApi.signOut();
    signInScreen(t("signedOutByServer"));
  };
  signOut.addEventListener("click", () => {
    OrganizerApi.signOut();
    signInScreen();
  });
  const list = h("section", { "aria-labelledby": "list-heading" });
  const work = h("section", { class: "work", "aria-live": "off" });
  const newBallot = h("button", { type: "button" }, t("newBallot"));
  newBallot.addEventListener("click", () => {
    leavePanel();
    ballotForm(work, api, t, lang, {
      onCreated: (ballot) => {
        void loadList();
        openBallot(ballot, t("created", { id: ballot.id, block: ballot.chain.blockNumber }));
      },
      onCancel: () => {
        work.replaceChildren();
        newBallot.focus();
      },
      onUnauthorized: unauthorized,
      onUncertain: () => void loadList(),
    });
  });

  const rows = new Map<string, HTMLTableRowElement>();
  const row = (b: OrganizerBallot) => {
    const status = b.status === "open" ? t("statusOpen") : b.status === "closed" ? t("statusClosed") : t("statusScheduled");
    const open = h("button", { type: "button", class: "link" }, b.question);
    open.addEventListener("click", () => openBallot(b));
    const tr = h("tr", { "data-ballot": b.id },
      h("th", { scope: "row" }, open, h("span", { class: "sub" }, t("ballotNo", { id: b.id }))),
      h("td", {}, h("span", { class: b.status === "closed" ? "badge final" : "badge live" }, status), " ",
        h("span", { class: "badge" }, b.sealing.kind === "sealed" ? t("sealedBadge") : t("publicBadge"))),
      h("td", { class: "num" }, b.votersCount === null ? "—" : t("voters", { count: b.votersCount })));
    rows.set(b.id, tr);
    return tr;
  };
  const tbody = h("tbody", {});
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("listMore"));
  const listProblem = h("p", { class: "problem", role: "alert" });
  const loadList = async (before?: string) => {
    try {
      const page = await api.list(before);
      if (!before) {
        tbody.replaceChildren();
        rows.clear();
      }
      tbody.append(...page.ballots.map(row));
      table.hidden = tbody.childElementCount === 0;
      empty.hidden = tbody.childElementCount > 0;
      more.hidden = page.next === null;
      more.dataset.before = page.next ?? "";
    } catch (error) {
      if (error instanceof ApiRefusal && error.status === 401) return unauthorized();
      listProblem.textContent = t("failed", { message: error instanceof Error ? error.message : String(error) });
    }
  };
  more.addEventListener("click", () => void loadList(more.dataset.before));
  const caption = t("listCaption");
  const table = h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption, hidden: true },
    h("table", { class: "ballots" }, h("caption", {}, caption),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("colQuestion")), h("th", { scope: "col" }, t("colStatus")), h("th", { scope: "col", class: "num" }, t("colParticipation")))),
      tbody));
  const empty = h("p", { hidden: true }, t("listEmpty"));
  list.append(h("h2", { id: "list-heading" }, t("listHeading")), h("div", { class: "actions" }, newBallot), table, empty, more, listProblem);

  const openBallot = (b: OrganizerBallot, notice?: string) => {
    ballotPanel(work, api, b, t, lang, {
      onChanged: (fresh) => rows.get(fresh.id)?.replaceWith(row(fresh)),
      onUnauthorized: unauthorized,
    });
    if (notice) work.prepend(h("p", { class: "summary", "data-state": "ok", role: "status" }, notice));
  };

  show(main, heading,
    h("div", { class: "signed-in" },
      h("p", {}, h("strong", {}, t("signedInAs", { name: app.name }))),
      h("p", { class: "hint" }, t("sitesAllowed", { origins: formatList(lang, app.origins) })),
      signOut),
    list, work);
  void loadList();
}

async function start(): Promise<void> {
  const api = OrganizerApi.fromSession();
  if (!api) return signInScreen();
  try {
    signedIn(api, await api.app());
  } catch (error) {
    if (error instanceof ApiRefusal && error.status === 401) {
      OrganizerApi.signOut();
      return signInScreen(t("signedOutByServer"));
    }
    signInScreen(t("unreachable"));
  }
}

void start();
