// The console's "new ballot" form. It has no rules of its own: "Vérifier" sends the body to
// POST /v1/ballots/check, which runs every check of the creation (server/ballots/
// ballot-input.ts, the key ceremony of a sealed ballot) and creates nothing; each fault the
// API lists is shown under the field it names, with a summary that links to them. Only a body the API
// accepted is shown for review, then created with POST /v1/ballots, unchanged.
import type { CheckedBallot, OrganizerBallot } from "../../protocol/api-types.js";
import { MAX_OPTIONS } from "../../protocol/constants.js";
import { h, show } from "../shared/dom.js";
import type { Lang } from "../shared/public-i18n.js";
import { ballotFacts, type Translate } from "./ballot-facts.js";
import { ApiRefusal, type OrganizerApi } from "./organizer-api.js";

export type BallotFormHandlers = {
  onCreated(ballot: OrganizerBallot): void;
  onCancel(): void;
  /** The key was refused (revoked while signed in). */
  onUnauthorized(): void;
  /** The creation got no clear answer: it may have happened (the list is read again). */
  onUncertain(): void;
};

type FieldName = "question" | "kind" | "options" | "minChoices" | "maxChoices" | "opensAt" | "closesAt" | "minimumAge" | "liveResults" | "allowRevote" | "sealing" | "ceremony";

/** Which of the form's fields an API error's `field` designates (its own words: "ballot.options[2]"). */
function fieldOf(apiField: string | undefined, sealed: boolean): FieldName | undefined {
  if (apiField === undefined) return undefined;
  if (/^ballot\.options(\[\d+\])?$/.test(apiField)) return "options";
  if (apiField.startsWith("ballot.eligibility")) return "minimumAge";
  if (apiField.startsWith("ballot.sealing")) return sealed || apiField === "ballot.sealing.ceremony" ? "ceremony" : "sealing";
  const name = apiField.replace(/^ballot\./, "");
  return (["question", "kind", "minChoices", "maxChoices", "opensAt", "closesAt", "liveResults", "allowRevote"] as const).find((f) => f === name);
}

/** A number typed in a field, as a number when it is one; otherwise the text as typed, for the API to refuse by name. */
const numberOrText = (value: string): number | string => (/^-?\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value);

/** A datetime-local value (the browser's time zone) as an ISO 8601 instant; otherwise as typed. */
function instantOf(value: string): string {
  const date = new Date(value);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
}

export function ballotForm(root: HTMLElement, api: OrganizerApi, t: Translate, lang: Lang, handlers: BallotFormHandlers): void {
  const problems = new Map<FieldName, HTMLElement>();
  const inputs = new Map<FieldName, HTMLElement>();
  const describedBy = (name: FieldName, hint?: string) => [hint, `e-${name}`].filter(Boolean).join(" ");
  const problem = (name: FieldName) => {
    const p = h("p", { class: "problem", id: `e-${name}`, hidden: true });
    problems.set(name, p);
    return p;
  };
  const field = <E extends HTMLElement>(name: FieldName, element: E) => {
    inputs.set(name, element);
    return element;
  };

  const question = field("question", h("input", { type: "text", id: "f-question", name: "question", maxlength: 1000, "aria-describedby": describedBy("question") }));
  const kinds = (["single_choice", "multiple_choice", "majority_judgment"] as const).map((kind, i) =>
    h("input", { type: "radio", name: "kind", id: `f-kind-${kind}`, value: kind, ...(i === 0 ? { checked: true } : {}) }));
  inputs.set("kind", kinds[0]);
  const kindLabels = { single_choice: t("kindSingle"), multiple_choice: t("kindMultiple"), majority_judgment: t("kindJudgment") };
  const optionsHint = h("p", { class: "hint", id: "h-options" }, t("optionsHintSingle"));
  const options = field("options", h("textarea", { id: "f-options", name: "options", rows: 5, "aria-describedby": describedBy("options", "h-options") }));
  const minChoices = field("minChoices", h("input", { type: "number", id: "f-min", name: "minChoices", min: 1, inputmode: "numeric", "aria-describedby": describedBy("minChoices") }));
  const maxChoices = field("maxChoices", h("input", { type: "number", id: "f-max", name: "maxChoices", min: 1, inputmode: "numeric", "aria-describedby": describedBy("maxChoices") }));
  const bounds = h("div", { class: "row", hidden: true },
    h("div", { class: "field" }, h("label", { for: "f-min" }, t("fieldMin")), minChoices, problem("minChoices")),
    h("div", { class: "field" }, h("label", { for: "f-max" }, t("fieldMax")), maxChoices, problem("maxChoices")));
  const opensAt = field("opensAt", h("input", { type: "datetime-local", id: "f-opens", name: "opensAt", "aria-describedby": describedBy("opensAt", "h-opens") }));
  const closesAt = field("closesAt", h("input", { type: "datetime-local", id: "f-closes", name: "closesAt", required: true, "aria-describedby": describedBy("closesAt") }));
  const minimumAge = field("minimumAge", h("input", { type: "number", id: "f-age", name: "minimumAge", min: 0, max: 120, inputmode: "numeric", "aria-describedby": describedBy("minimumAge", "h-age") }));
  const allowRevote = field("allowRevote", h("input", { type: "checkbox", id: "f-revote", name: "allowRevote" }));
  const liveResults = field("liveResults", h("input", { type: "checkbox", id: "f-live", name: "liveResults", "aria-describedby": describedBy("liveResults") }));
  const sealedRadio = field("sealing", h("input", { type: "radio", name: "sealing", id: "f-sealed", value: "sealed", checked: true }));
  const publicRadio = h("input", { type: "radio", name: "sealing", id: "f-public", value: "public" });
  const ceremony = field("ceremony", h("input", { type: "text", id: "f-ceremony", name: "ceremony", spellcheck: "false", autocomplete: "off", "aria-describedby": describedBy("ceremony", "h-ceremony") }));
  const ceremonyField = h("div", { class: "field nested" }, h("label", { for: "f-ceremony" }, t("fieldCeremony")), h("p", { class: "hint", id: "h-ceremony" }, t("ceremonyHint")), ceremony, problem("ceremony"));

  const kind = () => kinds.find((k) => k.checked)?.value ?? "single_choice";
  const sealed = () => sealedRadio.checked;
  const syncKind = () => {
    bounds.hidden = kind() !== "multiple_choice";
    optionsHint.textContent = kind() === "single_choice" ? t("optionsHintSingle") : t("optionsHint", { max: MAX_OPTIONS });
  };
  kinds.forEach((k) => k.addEventListener("change", syncKind));
  const syncSealing = () => {
    ceremonyField.hidden = !sealed();
  };
  [sealedRadio, publicRadio].forEach((r) => r.addEventListener("change", syncSealing));

  /** The body sent to the API, with the option lines' numbers (a refusal of options[i] names the line). */
  const read = (): { body: Record<string, unknown>; optionLines: number[] } => {
    const lines = options.value.split("\n");
    const optionLines: number[] = [];
    const labels: string[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      optionLines.push(i + 1);
      labels.push(line.replace(/\r$/, ""));
    });
    const body: Record<string, unknown> = { question: question.value, kind: kind() };
    if (labels.length > 0 || kind() !== "single_choice") body.options = labels;
    if (kind() === "multiple_choice") {
      if (minChoices.value !== "") body.minChoices = numberOrText(minChoices.value);
      if (maxChoices.value !== "") body.maxChoices = numberOrText(maxChoices.value);
    }
    if (opensAt.value !== "") body.opensAt = instantOf(opensAt.value);
    if (closesAt.value !== "") body.closesAt = instantOf(closesAt.value);
    if (minimumAge.value !== "") body.eligibility = { minimumAge: numberOrText(minimumAge.value) };
    body.allowRevote = allowRevote.checked;
    body.liveResults = liveResults.checked;
    body.sealing = sealed() ? { ceremony: ceremony.value.trim() } : "public";
    return { body, optionLines };
  };

  const summary = h("div", { class: "summary", "data-state": "fail", role: "alert", tabindex: -1, hidden: true });
  const status = h("p", { role: "status" });
  const checkButton = h("button", { type: "submit" }, t("check"));
  const cancel = h("button", { type: "button", class: "secondary" }, t("cancel"));
  cancel.addEventListener("click", () => handlers.onCancel());

  const clearProblems = () => {
    summary.hidden = true;
    summary.replaceChildren();
    for (const [name, p] of problems) {
      p.hidden = true;
      p.textContent = "";
      inputs.get(name)?.removeAttribute("aria-invalid");
    }
  };

  /** The API's refusal: each fault under the field it names, and a summary that links to them. */
  const showRefusal = (error: unknown, optionLines: number[]) => {
    if (error instanceof ApiRefusal && error.status === 401) return handlers.onUnauthorized();
    const refusal = error instanceof ApiRefusal ? error : undefined;
    summary.hidden = false;
    const placed = (refusal?.faults ?? []).map((fault) => ({ fault, name: fieldOf(fault.field, sealed()) }));
    if (!refusal || placed.length === 0 || placed.some((p) => p.name === undefined)) {
      summary.replaceChildren(h("p", {}, refusal ? t("errorOther", { message: refusal.message }) : t("failed", { message: String((error as Error)?.message ?? error) })));
      summary.focus();
      return;
    }
    const links = placed.map(({ fault, name }) => {
      const index = /\[(\d+)\]$/.exec(fault.field);
      const line = index ? optionLines[Number(index[1])] : undefined;
      const text = line !== undefined ? `${lang === "en" ? "Line" : "Ligne"} ${line}${lang === "en" ? ":" : "\u00A0:"} ${fault.message}` : fault.message;
      const p = problems.get(name!)!;
      p.textContent = p.hidden ? text : `${p.textContent} ${text}`;
      p.hidden = false;
      const input = inputs.get(name!)!;
      input.setAttribute("aria-invalid", "true");
      const link = h("a", { href: `#${input.id}` }, text);
      link.addEventListener("click", (event) => {
        event.preventDefault();
        input.focus();
      });
      return h("li", {}, link);
    });
    summary.replaceChildren(h("p", {}, t("errorSummary", { count: links.length })), h("ul", {}, ...links));
    summary.focus();
  };

  const form = h("form", { novalidate: true, "aria-labelledby": "form-heading" },
    summary,
    h("div", { class: "field" }, h("label", { for: "f-question" }, t("fieldQuestion")), question, problem("question")),
    h("fieldset", { class: "field" }, h("legend", {}, t("fieldKind")),
      ...kinds.map((k) => h("div", { class: "choice" }, k, " ", h("label", { for: k.id }, kindLabels[k.value as keyof typeof kindLabels]))), problem("kind")),
    h("div", { class: "field" }, h("label", { for: "f-options" }, t("fieldOptions")), optionsHint, options, problem("options")),
    bounds,
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "f-opens" }, t("fieldOpensAt")), h("p", { class: "hint", id: "h-opens" }, t("opensAtHint")), opensAt, problem("opensAt")),
      h("div", { class: "field" }, h("label", { for: "f-closes" }, t("fieldClosesAt")), closesAt, problem("closesAt"))),
    h("div", { class: "field" }, h("label", { for: "f-age" }, t("fieldMinimumAge")), h("p", { class: "hint", id: "h-age" }, t("minimumAgeHint")), minimumAge, problem("minimumAge")),
    h("div", { class: "field choice" }, allowRevote, " ", h("label", { for: "f-revote" }, t("fieldRevote")), problem("allowRevote")),
    h("div", { class: "field choice" }, liveResults, " ", h("label", { for: "f-live" }, t("fieldLive")), problem("liveResults")),
    h("fieldset", { class: "field" }, h("legend", {}, t("fieldSealing")),
      h("div", { class: "choice" }, sealedRadio, " ", h("label", { for: "f-sealed" }, t("sealedChoice"))),
      ceremonyField,
      h("div", { class: "choice" }, publicRadio, " ", h("label", { for: "f-public" }, t("publicChoice"))),
      problem("sealing")),
    h("div", { class: "actions" }, checkButton, cancel),
    status);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearProblems();
    const { body, optionLines } = read();
    checkButton.disabled = true;
    status.textContent = t("checking");
    api.check(body).then((checked) => {
      status.textContent = "";
      review(checked, body);
    }, (error) => {
      status.textContent = "";
      showRefusal(error, optionLines);
    }).finally(() => {
      checkButton.disabled = false;
    });
  });

  const formScreen = () => show(root, h("h2", { id: "form-heading" }, t("formHeading")), h("p", { class: "hint" }, t("formIntro")), form);

  /** What the API accepted, in words; created as is, or back to the form with every value kept. */
  const review = (checked: CheckedBallot, body: Record<string, unknown>) => {
    const createStatus = h("p", { role: "status" });
    const create = h("button", { type: "button" }, t("create"));
    const edit = h("button", { type: "button", class: "secondary" }, t("edit"));
    const problemBox = h("div", { class: "summary", "data-state": "fail", role: "alert", hidden: true });
    edit.addEventListener("click", formScreen);
    create.addEventListener("click", () => {
      create.disabled = true;
      edit.disabled = true;
      createStatus.textContent = t("creating");
      api.create(body).then((ballot) => handlers.onCreated(ballot), (error) => {
        if (error instanceof ApiRefusal && error.status === 401) return handlers.onUnauthorized();
        createStatus.textContent = "";
        edit.disabled = false;
        problemBox.hidden = false;
        // A refusal (4xx) created nothing: the organizer may fix it and create. No answer, or
        // a fault of ours (5xx), may come after the transaction was sent: no second click that
        // could make the ballot twice; the list is read again for the organizer to look.
        if (error instanceof ApiRefusal && error.status >= 400 && error.status < 500) {
          create.disabled = false;
          problemBox.textContent = t("errorOther", { message: error.message });
          return;
        }
        problemBox.textContent = t("createUncertain", { message: error instanceof Error ? error.message : String(error) });
        handlers.onUncertain();
      });
    });
    show(root, h("h2", {}, t("reviewHeading")), h("p", {}, t("reviewIntro")), ballotFacts(checked, t, lang), problemBox,
      h("div", { class: "actions" }, create, edit), createStatus);
  };

  syncKind();
  syncSealing();
  formScreen();
}
