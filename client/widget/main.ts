// The widget's first screen: the question, its rules and the login button. It imports
// no crypto: voting.ts (ethers, blind RSA, the sealing) is fetched with import() when the
// voter clicks to log in, so a partner page's visitor downloads little until they decide
// to vote (`npm run bench -- widget` measures it in Chromium).
import "./widget.css";
import { h, show, showQuietly } from "../shared/dom.js";
import { ApiError, getBallot } from "./api.js";
import { readConfig, type WidgetContext } from "./context.js";
import { login, LoginError } from "./login.js";
import { pageLinks } from "./page-links.js";
import { reportHeight } from "./resize.js";
import { formatDate, translator } from "./strings.js";

const root = document.getElementById("urne-widget")!;
const config = readConfig();
const t = translator(config.lang);

function kindHint(ctx: WidgetContext): string {
  const b = ctx.ballot;
  if (b.kind === "single_choice") return t("kindSingle");
  if (b.kind === "majority_judgment") return t("kindJudgment");
  return b.minChoices === b.maxChoices ? t("kindMultipleExact", { count: b.minChoices }) : t("kindMultiple", { min: b.minChoices, max: b.maxChoices });
}

type Voting = typeof import("./voting.js");
let voting: Promise<Voting> | undefined;

/**
 * The voting code (the crypto, the chain check, the forms) on the voter's click on the login
 * button, not at page load: a page that shows ten widgets nobody touches costs their first
 * screens only. It arrives while the voter logs in in the popup, and starts reading the
 * ballot from the chain.
 */
function loadVoting(ctx: WidgetContext): Promise<Voting> {
  voting ??= import("./voting.js").then((v) => {
    if (ctx.ballot.status === "open") v.prepare(ctx);
    return v;
  }, (error: unknown) => {
    voting = undefined; // the network may be back at the next try
    throw error;
  });
  return voting;
}

function intro(ctx: WidgetContext, first = false): void {
  const { ballot } = ctx;
  const status = h("p", { class: "status", role: "status" });
  let action: HTMLElement;
  // A tag copied wrong is said at once, before anybody logs in (the vote host's word: the
  // chain's check, after the login click, is the one a voter can rely on).
  const tagMismatch = ctx.config.fingerprint !== undefined && ballot.fingerprint !== null && ctx.config.fingerprint !== ballot.fingerprint;
  if (tagMismatch) {
    action = h("p", { class: "error", role: "alert" }, t("tagMismatch"));
  } else if (ballot.status === "open") {
    // FranceConnect's button as its partner guidelines draw it: its mark, "S'identifier avec"
    // then "FranceConnect" on a line of its own, and under it the link that explains it.
    const button = h("button", { type: "button", class: "franceconnect" },
      h("span", { class: "fc-with" }, t("loginWith")), " ", h("span", { class: "fc-name" }, "FranceConnect"));
    button.addEventListener("click", () => {
      status.textContent = t("loginWaiting");
      button.disabled = true;
      const code = loadVoting(ctx); // while the voter logs in
      // window.open runs now, inside the click: popup blockers allow it.
      login(ctx.lang).then(async (result) => {
        ctx.login = result;
        (await code).identityScreen(ctx, () => intro(ctx));
      }, (error: unknown) => {
        button.disabled = false;
        const code = error instanceof LoginError ? error.code : "";
        status.textContent = code === "POPUP_BLOCKED" ? t("popupBlocked") : code === "CANCELLED" ? t("loginCancelled") : t("loginFailed", { message: error instanceof Error ? error.message : String(error) });
      }).catch(() => {
        // Logged in, but the voting code did not arrive: nothing was sent; a click tries again.
        button.disabled = false;
        status.textContent = t("errNetwork");
      });
    });
    action = h("div", { class: "login" }, button,
      h("p", { class: "fc-about" }, h("a", { href: "https://franceconnect.gouv.fr/", target: "_blank", rel: "noopener noreferrer" },
        t("whatIsFranceConnect"), h("span", { "aria-hidden": "true" }, " ↗"), h("span", { class: "visually-hidden" }, ` (${t("newWindow")})`))),
      h("p", { class: "hint" }, t("loginHint")));
  } else {
    action = h("p", { class: "notice" }, ballot.status === "closed" ? t("closed") : t("notOpenYet", { date: formatDate(ctx.lang, ballot.opensAt) }));
  }
  (first ? showQuietly : show)(root,
    h("p", { class: "brand" }, "urne · ", t("title")),
    h("h1", {}, ballot.question),
    h("p", { class: "hint" }, kindHint(ctx)),
    h("ul", { class: "choices" }, ...ballot.options.map((o) => h("li", {}, o))),
    // A closed ballot may have closed early: its planned closing date would mislead.
    ballot.status === "closed" ? null : h("p", {}, t("closesAt", { date: formatDate(ctx.lang, ballot.closesAt) })),
    ballot.status === "closed" ? null : h("p", {}, ballot.eligibility[ctx.lang]),
    action,
    status,
    h("p", { class: "hint" }, t("howItWorks")),
    pageLinks(ctx));
}

async function start(): Promise<void> {
  showQuietly(root, h("p", { class: "status" }, t("loading")));
  try {
    const ballot = await getBallot(config.ballotId);
    const ctx: WidgetContext = { root, config, lang: config.lang, t, ballot };
    intro(ctx, true);
    // The frame takes its height from the first real screen only: the one-line "loading"
    // screen would shrink the space embed.js reserved, then grow it again, moving everything
    // below it on the partner page twice (and, frames loading lazily as the page scrolls,
    // the frames below them in a cascade).
    reportHeight(config.host);
  } catch (error) {
    const code = error instanceof ApiError ? error.code : "ERR_NETWORK";
    showQuietly(root, h("h1", {}, t("title")), h("p", { role: "alert" }, code === "ERR_BALLOT_NOT_FOUND" ? t("errUnknownBallot") : t("errNetwork")));
    reportHeight(config.host);
  }
}

void start();
