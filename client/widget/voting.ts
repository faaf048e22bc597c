// Everything after the first screen, loaded with import() when the voter clicks to log in
// (it holds the crypto: ethers, blind RSA): identity, ballot, confirmation, progress,
// proof. One VoteSession per page: a revote reuses its voter key and token.
import type { Choice } from "../../protocol/index.js";
import { h, show } from "../shared/dom.js";
import { ballotForm } from "./ballot-form.js";
import { nodesFor, readChainBallot, type ChainBallot } from "./chain-ballot.js";
import type { WidgetContext } from "./context.js";
import { errorMessage } from "./error-message.js";
import { getEligibility } from "./api.js";
import { login } from "./login.js";
import { auditDownloadLink, downloadLink, openPrintPage } from "./proof-actions.js";
import { pageLinks } from "./page-links.js";
import { formatDate } from "./strings.js";
import { STEPS, VoteSession, type Step } from "./vote-session.js";

let chainCheck: Promise<ChainBallot> | undefined;
let session: VoteSession | undefined;
/** Back to the first screen ("Ce n'est pas moi"), as main.ts draws it. */
let backToIntro: () => void = () => {};

/** Starts reading the ballot from the chain while the citizen logs in. */
export function prepare(ctx: WidgetContext): void {
  chainCheck ??= readChainBallot(ctx.ballot, nodesFor(ctx.ballot, ctx.config.nodes), ctx.config.fingerprint);
  chainCheck.catch(() => {}); // reported when the citizen goes on
}

const button = (label: string, onClick: () => void, primary = false) => {
  const b = h("button", { type: "button", class: primary ? "primary" : "secondary" }, label);
  b.addEventListener("click", onClick);
  return b;
};

/**
 * (1) Who is about to vote, and the fraud warning. Shown after every sign-in, before any
 * ballot can leave: a citizen who signs in again (another person, after a refused session)
 * sees who is voting, then chooses again (`onContinue`: the form, with the earlier choice).
 */
export function identityScreen(ctx: WidgetContext, restart: () => void, onContinue: () => void = () => void ballotScreen(ctx)): void {
  const { t } = ctx;
  backToIntro = restart;
  const login = ctx.login!;
  const voter = login.voter;
  const go = button(t("continue"), onContinue, true);
  go.disabled = true;
  const verdict = h("p", { class: "status", role: "status" }, t("eligibilityChecking"));
  show(ctx.root,
    h("h2", {}, t("identityHeading")),
    h("p", { class: "identity" }, t("identityAs", { name: `${voter.givenName} ${voter.familyName}`, date: formatDate(ctx.lang, voter.birthdate, false) })),
    h("p", { class: "warning", role: "note" }, t("fraudWarning")),
    verdict,
    h("div", { class: "actions" },
      go,
      button(t("notMe"), () => {
        ctx.login = undefined;
        restart();
      })));
  // Say no now, before the voter chooses: not old enough at the close, or a token already
  // issued to this citizen that this page does not hold (another browser, another device).
  // Unanswered, the voter goes on: the token request says the same, later.
  getEligibility(ctx.ballot.id, login.session).then((answer) => {
    const holds = session?.issuanceStarted === true;
    const refusal = !answer.eligible ? t("errNotEligible", { rule: ctx.ballot.eligibility[ctx.lang] })
      : answer.tokenIssued && !holds ? t("tokenAlreadyIssued") : undefined;
    // One line for another: the frame keeps its height as "Continuer" becomes active, so
    // nothing moves under a pointer waiting on it (a page scrolled to its end would move it).
    if (refusal === undefined) {
      verdict.textContent = t("eligibilityOk");
      go.disabled = false;
      return;
    }
    verdict.className = "error";
    verdict.setAttribute("role", "alert");
    verdict.textContent = refusal;
    go.remove();
  }, () => {
    verdict.textContent = "\u00A0"; // unanswered: the token request will say it, later; the line stays
    go.disabled = false;
  });
}

async function chainBallot(ctx: WidgetContext): Promise<ChainBallot | undefined> {
  prepare(ctx);
  try {
    return await chainCheck!;
  } catch (error) {
    chainCheck = undefined; // a node that did not answer may answer next time
    showError(ctx, error, () => void ballotScreen(ctx));
    return undefined;
  }
}

/** (2) The ballot form. */
async function ballotScreen(ctx: WidgetContext, previous?: Choice): Promise<void> {
  const chain = await chainBallot(ctx);
  if (!chain) return;
  session ??= new VoteSession(chain, nodesFor(ctx.ballot, ctx.config.nodes), ctx.config.relayUrl);
  const { t } = ctx;
  const form = ballotForm(chain.params, ctx.lang, t, previous);
  const problem = h("p", { class: "problem", role: "alert" });
  const element = h("form", { novalidate: true }, form.element, problem, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("review"))));
  element.addEventListener("change", () => {
    problem.textContent = "";
  });
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    const read = form.read();
    if ("problem" in read) {
      problem.textContent = read.problem;
      return;
    }
    confirmScreen(ctx, read.choice, form.describe(read.choice));
  });
  show(ctx.root, h("h2", {}, t("ballotHeading")), session.proof ? h("p", { class: "hint" }, t("changingVote")) : null, element);
}

/**
 * (3a) The choice in words, before it leaves. A sealed ballot is sealed here, in the
 * sealing worker with its progress shown, and its tracker shown before it is cast; the
 * voter may open it instead to check the encryption (auditScreen).
 */
function confirmScreen(ctx: WidgetContext, choice: Choice, words: string[]): void {
  const { t } = ctx;
  const sealed = session?.chain.sealing !== undefined;
  const confirm = button(t("confirm"), () => void progressScreen(ctx, choice), true);
  const edit = button(t("edit"), () => void ballotScreen(ctx, choice));
  const sealing = h("div", { class: "sealing", role: "status" });
  const actions = h("div", { class: "actions" }, ...(sealed ? [edit] : [confirm, edit]));
  show(ctx.root,
    h("h2", {}, t("confirmHeading")),
    h("p", {}, t("yourChoice")),
    h("ul", { class: "summary" }, ...words.map((w) => h("li", {}, w))),
    h("p", { class: "hint" }, t(sealed ? "sealedNotice" : "publicNotice")),
    sealed ? sealing : null,
    actions);
  if (!sealed) return;
  const label = h("span", {}, t("sealingStarted"));
  const bar = h("progress", { max: 1, value: 0, "aria-hidden": "true" });
  sealing.replaceChildren(label, bar);
  session!.seal(choice, (done, total) => {
    bar.max = total;
    bar.value = done;
    label.textContent = t("sealingProgress", { done, total });
  }).then((tracker) => {
    sealing.replaceChildren(
      h("p", { class: "tracker" }, t("sealedTrackerLabel"), " ", h("strong", { "data-tracker-pending": "" }, tracker)),
      h("p", { class: "hint" }, t("trackerBeforeCast")),
      h("p", { class: "hint" }, t("auditHint")));
    actions.replaceChildren(confirm, button(t("auditButton"), () => void auditScreen(ctx, choice, words)), edit);
  }, (error) => showError(ctx, error, () => confirmScreen(ctx, choice, words)));
}

/**
 * (3a') The Benaloh challenge (PROTOCOL.md §11.8): the ballot just sealed is opened, its
 * audit file offered for download and checked elsewhere (the verify page, `urne
 * audit-ballot`); it is never cast. Going on seals the choice again.
 */
async function auditScreen(ctx: WidgetContext, choice: Choice, words: string[]): Promise<void> {
  const { t } = ctx;
  let audit: { file: string; trackerText: string };
  try {
    audit = await session!.auditSealed();
  } catch (error) {
    showError(ctx, error, () => confirmScreen(ctx, choice, words));
    return;
  }
  show(ctx.root,
    h("h2", {}, t("auditHeading")),
    h("p", {}, t("auditText", { tracker: audit.trackerText })),
    h("div", { class: "actions" },
      auditDownloadLink(audit.file, ctx.ballot.id, audit.trackerText, t("downloadAudit")),
      button(t("auditContinue"), () => confirmScreen(ctx, choice, words), true)),
    pageLinks(ctx));
}

/** (3b) The vote on its way, step by step. */
async function progressScreen(ctx: WidgetContext, choice: Choice): Promise<void> {
  const { t } = ctx;
  const labels: Record<Step, string> = { token: t("stepToken"), signature: t("stepSignature"), sent: t("stepSent"), recorded: t("stepRecorded"), final: t("stepFinal") };
  const items = new Map(STEPS.map((step) => [step, h("li", { "data-step": step, "data-state": "waiting" })]));
  const render = (current: Step | "done") => {
    const index = current === "done" ? STEPS.length : STEPS.indexOf(current);
    STEPS.forEach((step, i) => {
      const state = i < index ? "done" : i === index ? "active" : "waiting";
      const li = items.get(step)!;
      li.dataset.state = state;
      li.replaceChildren(h("span", { class: "label" }, labels[step]), h("span", { class: "state" }, ` — ${t(state === "done" ? "stepDone" : state === "active" ? "stepActive" : "stepWaiting")}`));
    });
  };
  render("token");
  const steps = h("ol", { class: "steps", "aria-live": "polite" }, ...items.values());
  const heading = h("h2", {}, t("progressHeading"));
  show(ctx.root, heading, steps);
  try {
    const proof = await session!.cast(choice, ctx.login?.session, (step) => render(step === "final" ? "done" : step));
    steps.removeAttribute("aria-live");
    doneScreen(ctx, proof, steps);
  } catch (error) {
    // The step that failed stops spinning and says so; the later ones stay "to come".
    const failed = [...items.values()].find((li) => li.dataset.state === "active");
    heading.textContent = t("progressStopped");
    if (failed) {
      failed.dataset.state = "failed";
      failed.querySelector(".state")!.textContent = ` — ${t("stepFailed")}`;
    }
    // After a new sign-in, the choice is shown again to be confirmed: it never leaves under an identity not shown.
    showError(ctx, error, () => void progressScreen(ctx, choice), true, () => void ballotScreen(ctx, choice));
  }
}

/** An error under the current screen, with the one remedy that is safe. `afterLogin`: where a new sign-in leads, after the identity screen. */
function showError(ctx: WidgetContext, error: unknown, retry: () => void, keepScreen = false, afterLogin: () => void = retry): void {
  const { t } = ctx;
  const { text, remedy } = errorMessage(ctx, error);
  const actions = h("div", { class: "actions" });
  if (remedy === "retry") actions.append(button(t("retry"), retry, true));
  if (remedy === "login") {
    actions.append(button(t("login"), () => {
      login(ctx.lang).then((result) => {
        ctx.login = result;
        identityScreen(ctx, backToIntro, afterLogin);
      }, () => {});
    }, true));
  }
  const alert = h("div", { class: "error", role: "alert" }, h("p", {}, text), actions.childElementCount > 0 ? actions : null, pageLinks(ctx));
  if (keepScreen) {
    ctx.root.append(alert);
    (actions.querySelector("button") ?? alert).focus?.();
  } else {
    show(ctx.root, h("h2", {}, t("title")), alert);
  }
}

/** (4) Done: the proof, links to check it, and a revote when the ballot allows it. */
function doneScreen(ctx: WidgetContext, proofJson: string, steps: HTMLElement): void {
  const { t } = ctx;
  const proof = session!.proof!;
  const print = button(t("printProof"), () => openPrintPage({ proof: proofJson, question: ctx.ballot.question, ballotId: ctx.ballot.id }, ctx.lang));
  show(ctx.root,
    h("h2", {}, t("doneHeading")),
    h("p", { role: "status" }, t("doneText", { block: proof.blockNumber })),
    session!.trackerText ? h("p", { class: "tracker" }, t("trackerLabel"), " ", h("strong", { "data-tracker": "" }, session!.trackerText)) : null,
    steps,
    h("p", {}, t("keepProof")),
    h("div", { class: "actions" }, downloadLink(proofJson, ctx.ballot.id, proof.revision, ctx.lang, t("downloadProof")), print),
    pageLinks(ctx),
    ctx.ballot.allowRevote ? h("div", { class: "revote" },
      button(t("changeVote"), () => void ballotScreen(ctx)),
      h("p", { class: "hint" }, t("revoteNote"))) : null);
}
