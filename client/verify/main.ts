// The verify page (GET /verify): a citizen drops, chooses or pastes a proof of vote, or an
// image of its QR code, picks ANY node of the chain, and sees the checks P1-P9 of
// PROTOCOL.md §9.2 pass or fail one by one. The checks are protocol/audit/proof-checks.ts,
// the same code as `urne verify`; they are loaded only when a proof is checked. Given the
// audit file of a sealed ballot the widget opened (the Benaloh challenge, PROTOCOL.md
// §11.8), it runs A1-A4 instead (protocol/sealed/audit-checks.ts, the checks of `urne
// audit-ballot`): no node is needed, the file holds all it needs.
import "../shared/public-pages.css";
import { h } from "../shared/dom.js";
import { publicHeader } from "../shared/public-header.js";
import { pageLang, translator } from "../shared/public-i18n.js";
import type { BallotParams } from "../../protocol/ballot.js";
import { checkItem } from "./check-item.js";
import { readQrImage } from "./qr-image.js";

const lang = pageLang();
const t = translator(lang);
const main = document.getElementById("urne-main")!;
document.body.insertBefore(publicHeader(lang, t), main);

const fileInput = h("input", { type: "file", id: "proof-file", class: "visually-hidden", accept: ".json,application/json,image/*" });
const dropzone = h("label", { class: "dropzone", for: "proof-file" }, t("dropLabel"), " ", h("strong", {}, t("dropChoose")), fileInput);
const textarea = h("textarea", { id: "proof-text", spellcheck: "false", autocomplete: "off", "aria-describedby": "proof-message" });
const message = h("p", { id: "proof-message", class: "hint", role: "status" });
const nodeInput = h("input", { type: "url", id: "node-url", inputmode: "url", autocomplete: "url", spellcheck: "false", "aria-describedby": "node-hint", required: true });
const problem = h("p", { class: "problem", role: "alert" });
const button = h("button", { type: "submit" }, t("verifyButton"));
const summary = h("p", { class: "summary", role: "status", "aria-live": "polite", hidden: true });
const list = h("ol", { class: "checks", "aria-label": t("resultHeading") });
/** The vote the proof holds, in words: the question, and the choice (public) or the tracking code (sealed). */
const voteWords = h("dl", { class: "vote-words", hidden: true });
const results = h("section", { "aria-labelledby": "result-heading", hidden: true },
  h("h2", { id: "result-heading" }, t("resultHeading")), summary, voteWords, list,
  h("p", { class: "hint" }, h("a", { href: `/observer?lang=${lang}#proof-checks` }, t("stepsLink"))));
const form = h("form", { novalidate: true },
  h("h2", {}, t("proofHeading")),
  h("div", { class: "field" }, dropzone, h("p", { class: "hint" }, t("auditFileHint"))),
  h("div", { class: "field" }, h("label", { for: "proof-text" }, t("pasteLabel")), textarea, message),
  h("h2", {}, t("nodeHeading")),
  h("div", { class: "field" }, h("label", { for: "node-url" }, t("nodeLabel")), nodeInput, h("p", { id: "node-hint", class: "hint" }, t("nodeHint"))),
  problem,
  h("div", { class: "row" }, button));
main.replaceChildren(h("h1", {}, t("verifyTitle")), h("p", {}, t("verifyIntro")), form, results);

/** What this service publishes (its node and contract); the page works without it. */
let ours: { ballotBox?: string } = {};
fetch("/.well-known/urne.json")
  .then((res) => (res.ok ? res.json() : {}))
  .then((wellKnown: { rpcUrls?: string[]; ballotBox?: string }) => {
    ours = wellKnown;
    if (!nodeInput.value && wellKnown.rpcUrls?.[0]) nodeInput.value = wellKnown.rpcUrls[0];
  })
  .catch(() => {});

async function loadFile(file: File): Promise<void> {
  problem.textContent = "";
  try {
    const isImage = file.type.startsWith("image/") || /\.(png|jpe?g|gif|webp|bmp)$/i.test(file.name);
    const text = isImage ? await readQrImage(file) : await file.text();
    if (text === null) {
      problem.textContent = t("qrNotFound");
      return;
    }
    textarea.value = text;
    message.textContent = t("loaded", { name: file.name });
    if (nodeInput.value) await verify();
  } catch (error) {
    problem.textContent = t("readFileFailed", { why: (error as Error).message });
  }
}

async function verify(): Promise<void> {
  problem.textContent = "";
  const text = textarea.value.trim();
  if (text === "") {
    problem.textContent = t("emptyProof");
    textarea.focus();
    return;
  }
  if (claimedField(text, "urne") === "audit/2") return verifyAudit(text);
  const [{ JsonRpcClient }, { checkProof, proofIsReplaced, proofIsValid }] = await Promise.all([
    import("../../protocol/json-rpc.js"), import("../../protocol/audit/proof-checks.js"),
  ]);
  let rpc;
  try {
    rpc = new JsonRpcClient(nodeInput.value.trim());
  } catch (error) {
    problem.textContent = t("badNode", { why: (error as Error).message });
    nodeInput.focus();
    return;
  }
  button.disabled = true;
  results.hidden = false;
  summary.hidden = false;
  summary.removeAttribute("data-state");
  summary.textContent = t("checking");
  // The checks appear below the form: bring them into view (a phone would not see them).
  results.scrollIntoView?.({ block: "start" });
  list.replaceChildren();
  list.setAttribute("aria-busy", "true");
  voteWords.hidden = true;
  let ballot: BallotParams | undefined;
  let recorded: string | undefined;
  try {
    const checks = await checkProof(text, rpc, {
      onCheck: (check) => list.append(checkItem(check, lang, t)), onBallot: (params) => (ballot = params), onRecordedVote: (vote) => (recorded = vote.payload),
    });
    // Once the chain showed this very vote (P4) and its ballot (P5): what it says, in words.
    if (checks[3]?.ok === true && ballot) await showVote(ballot, text);
    // The chain holds another choice for this voter in this transaction: both, in words.
    else if (ballot && recorded !== undefined) await showVote(ballot, text, recorded);
    const failed = checks.filter((c) => c.ok === false).map((c) => c.step);
    const valid = proofIsValid(checks);
    // A vote its voter changed later is neither counted nor forged: said in its own, neutral words.
    const replaced = proofIsReplaced(checks);
    summary.dataset.state = valid ? "ok" : replaced ? "replaced" : "fail";
    summary.textContent = valid ? t("allPassed") : replaced ? t("proofReplaced") : t("someFailed", { count: failed.length, steps: failed.join(", ") });
    // A browser cannot tell a node that is down from one that refuses web pages (CORS).
    if (checks[1].ok === false && checks[1].detail.en.includes("unreachable")) summary.append(" ", h("span", { class: "hint" }, t("nodeUnreachable")));
    const ballotId = valid ? claimedField(text, "ballotId") : undefined;
    if (ballotId && /^[1-9][0-9]*$/.test(ballotId)) {
      summary.append(" ", h("a", { class: "more", href: `/results/${ballotId}?lang=${lang}` }, t("seeResults")));
    }
    const claimed = claimedField(text, "ballotBox");
    if (claimed && ours.ballotBox && claimed.toLowerCase() !== ours.ballotBox.toLowerCase()) {
      summary.append(h("span", { class: "hint" }, " ", t("otherBox", { proof: claimed, ours: ours.ballotBox })));
    }
  } finally {
    list.removeAttribute("aria-busy");
    button.disabled = false;
  }
}

async function showVote(ballot: BallotParams, text: string, onChain?: string): Promise<void> {
  // Loaded with the checks' code (the crypto), not with the page.
  // Named modules of the protocol, never a whole package: a dynamic import("ethers") would
  // pull all of ethers into a chunk the widget shares.
  const [{ parseProof }, { decodePayload }, { rulesFromParams }, { choiceInWords }, { sealedTrackerText }] = await Promise.all([
    import("../../protocol/proof.js"), import("../../protocol/payload.js"), import("../../protocol/ballot.js"),
    import("../../protocol/choice-words.js"), import("../../protocol/sealed/tracker.js"),
  ]);
  let payload: string;
  try {
    payload = parseProof(text).payload;
  } catch {
    return;
  }
  // A sealed ballot's choice is secret: its tracking code; a public one's, in the ballot's words.
  const said = (hex: string): string | undefined => {
    const tracker = sealedTrackerText(hex);
    if (tracker !== undefined) return tracker;
    try {
      const words = choiceInWords(ballot.options, decodePayload(rulesFromParams(ballot), hex), lang);
      return words.length ? words.join(lang === "fr" ? "\u00A0; " : "; ") : t("voteNone");
    } catch {
      return undefined; // not a choice of this ballot: the checks say what is wrong
    }
  };
  const rows: [string, string | undefined][] = onChain === undefined
    ? [[sealedTrackerText(payload) !== undefined ? t("voteTracker") : t("voteChoice"), said(payload)]]
    : [[t("voteInProof"), said(payload)], [t("voteOnChain"), said(onChain)]];
  if (rows.some(([, value]) => value === undefined)) return;
  voteWords.replaceChildren(h("dt", {}, t("voteQuestion")), h("dd", {}, ballot.question), ...rows.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value!)]));
  voteWords.hidden = false;
}

/** A ballot audit file: A1-A4, in this browser. */
async function verifyAudit(text: string): Promise<void> {
  const { auditChecks } = await import("../../protocol/sealed/audit-checks.js");
  results.hidden = false;
  summary.hidden = false;
  list.replaceChildren();
  const { checks } = auditChecks(text);
  for (const check of checks) list.append(checkItem(check, lang, t));
  const failed = checks.filter((c) => c.ok !== true).map((c) => c.step);
  summary.dataset.state = failed.length === 0 ? "ok" : "fail";
  summary.textContent = failed.length === 0 ? t("auditPassed") : t("auditFailed", { steps: failed.join(", ") });
  results.scrollIntoView?.({ block: "start" });
}

/** A string field of the proof's JSON, for the links and the warning around the checks. */
function claimedField(text: string, field: "ballotBox" | "ballotId" | "urne"): string | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return typeof value[field] === "string" ? value[field] : undefined;
  } catch {
    return undefined;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void verify();
});
fileInput.addEventListener("change", () => {
  if (fileInput.files?.[0]) void loadFile(fileInput.files[0]);
});
dropzone.addEventListener("dragover", (event) => {
  event.preventDefault(); // allows the drop
  dropzone.classList.add("dragging");
});
dropzone.addEventListener("dragleave", () => dropzone.classList.remove("dragging"));
dropzone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropzone.classList.remove("dragging");
  const file = event.dataTransfer?.files[0];
  if (file) void loadFile(file);
});
