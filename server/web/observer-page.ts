// GET /observer?lang=fr|en: how a citizen checks the service without trusting it: mirror
// the chain (`urne observe`), recount every ballot (`urne recount`), check a proof of vote
// (`urne verify` or /verify). The audit steps shown are read from docs/PROTOCOL.md §9 when
// the router is built, so the page can never drift from the checklist the tools print.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Router } from "express";
import { PACKAGE_ROOT } from "../config/package-root.js";
import { frenchSpacing } from "../../protocol/french-spacing.js";
import { escapeHtml } from "./page-headers.js";
import { badLang, publicLang, sendShell, type PublicLang } from "./public-page.js";
import type { PageCode } from "./page-code.js";

const PROTOCOL_FILE = path.join(PACKAGE_ROOT, "docs", "PROTOCOL.md");

export type AuditStep = { id: string; check: string };

/** The rows `| C1 | ... |`, `| P1 | ... |`, `| R1 | ... |` of PROTOCOL.md §9, in order. */
export function auditSteps(markdown: string): Record<"C" | "P" | "R", AuditStep[]> {
  const start = markdown.indexOf("## 9. Audit checklist");
  const end = markdown.indexOf("\n## ", start + 1); // §9 only: a later section's table must not count
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const steps: Record<"C" | "P" | "R", AuditStep[]> = { C: [], P: [], R: [] };
  for (const match of section.matchAll(/^\| ([CPR])(\d+) \| (.+) \|$/gm)) {
    steps[match[1] as "C" | "P" | "R"].push({ id: match[1] + match[2], check: match[3] });
  }
  return steps;
}

/** Markdown inline code as <code>, everything else escaped. */
const inline = (text: string) => text.split("`").map((part, i) => (i % 2 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part))).join("");

function stepsTable(id: string, caption: string, steps: AuditStep[], lang: PublicLang): string {
  const head = lang === "en" ? ["Step", "Check"] : ["Étape", "Vérification"];
  return `<table class="steps-table" id="${id}"><caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">${head[0]}</th><th scope="col">${head[1]}</th></tr></thead><tbody>
${steps.map((s) => `<tr><td>${s.id}</td><td lang="en">${inline(s.check)}</td></tr>`).join("\n")}
</tbody></table>`;
}

const WORDS = {
  fr: {
    title: "Observer et recompter soi-même",
    intro: "Personne n'a besoin de croire urne sur parole. Tout bulletin est sur la chaîne, sans le nom de la personne qui l'a déposé (et chiffré, pour un scrutin scellé : seuls les totaux sont déchiffrés, par les garants) : avec un ordinateur et les trois commandes ci-dessous, n'importe qui peut garder sa propre copie de la chaîne, revérifier chaque bulletin, recompter chaque scrutin et vérifier une preuve de vote. Les outils n'utilisent que le module de protocole, jamais le code du serveur.",
    install: "Installer",
    installComment: "dans une copie du code source d'urne",
    installText: "Les outils font partie du logiciel urne (libre, Node.js 20 ou plus) : dans une copie de son code source,",
    observe: "1. Garder une copie de la chaîne : urne observe",
    observeText: "Copie chaque bloc et chaque événement de l'urne dans un dossier, suit les nouveaux blocs, et compare plusieurs nœuds entre eux. Une divergence ou une réécriture de l'historique est signalée par l'étape qui échoue.",
    recount: "2. Revérifier et recompter : urne recount",
    recountText: "Revérifie chaque bulletin (ouverture du scrutin, jeton, signature, révision) avec les règles du contrat, recompte le dernier bulletin de chaque électeur et compare au décompte du contrat et aux résultats publiés par le service.",
    verify: "3. Vérifier une preuve de vote : urne verify",
    verifyText: "Vérifie le fichier de preuve qu'un électeur a reçu, auprès du nœud de votre choix. La même vérification se fait dans le navigateur sur la page",
    verifyPage: "Vérifier une preuve",
    steps: "Les étapes vérifiées",
    stepsText: "Chaque outil affiche le numéro de l'étape qui échoue. Texte normatif du protocole (docs/PROTOCOL.md §9, en anglais) :",
    chain: "§9.1 La chaîne (urne observe)",
    proof: "§9.2 Une preuve de vote (urne verify, page de vérification)",
    ballot: "§9.3 Un scrutin (urne recount)",
    node: "Remplacez l'adresse du nœud par celle de votre choix : c'est tout l'intérêt.",
  },
  en: {
    title: "Observe and recount it yourself",
    intro: "Nobody has to take urne's word for it. Every ballot is on the chain, without the name of whoever cast it (and encrypted, for a sealed ballot: only the totals are decrypted, by the trustees): with a computer and the three commands below, anybody can keep their own copy of the chain, re-check every ballot, recount every vote and check a proof of vote. The tools use the protocol module only, never the server's code.",
    install: "Install",
    installComment: "in a copy of urne's source code",
    installText: "The tools are part of the urne software (free software, Node.js 20 or later): in a copy of its source code,",
    observe: "1. Keep a copy of the chain: urne observe",
    observeText: "Copies every block and every ballot-box event into a directory, follows new blocks, and compares several nodes. A divergence or a rewritten history is reported with the step that failed.",
    recount: "2. Re-check and recount: urne recount",
    recountText: "Re-checks every ballot (ballot open, token, signature, revision) with the contract's rules, recounts the latest ballot of each voter and compares with the contract's tally and with the results the service publishes.",
    verify: "3. Check a proof of vote: urne verify",
    verifyText: "Checks the proof file a voter received, against the node of your choice. The same checks run in the browser on the page",
    verifyPage: "Check a proof",
    steps: "The steps checked",
    stepsText: "Every tool prints the id of the step that fails. The protocol's normative text (docs/PROTOCOL.md §9):",
    chain: "§9.1 The chain (urne observe)",
    proof: "§9.2 A proof of vote (urne verify, the verify page)",
    ballot: "§9.3 A ballot (urne recount)",
    node: "Replace the node's URL with any node you like: that is the point.",
  },
} as const;

export type ObserverPageDeps = {
  /** A public JSON-RPC URL and the BallotBox address, shown in the example commands. */
  rpcUrl: string;
  ballotBox: string;
  /** The page's code tags (page-code.ts). */
  code: (page: string) => PageCode;
};

/** The French words with French spacing (protocol/french-spacing.ts), once. */
const FRENCH = Object.fromEntries(Object.entries(WORDS.fr).map(([key, sentence]) => [key, frenchSpacing(sentence)])) as typeof WORDS.fr;

export function observerRoutes(deps: ObserverPageDeps): Router {
  const steps = auditSteps(readFileSync(PROTOCOL_FILE, "utf8"));
  const router = Router();
  router.get("/observer", (req, res) => {
    const lang = publicLang(req);
    if (!lang) return badLang(res);
    const w = lang === "fr" ? FRENCH : WORDS.en;
    // This page is served by the API's origin: that is the URL `urne recount --api` compares with.
    const apiUrl = `${req.protocol}://${req.get("host")}`;
    const cmd = (text: string) => `<pre><code>${escapeHtml(text)}</code></pre>`;
    sendShell(res, {
      lang, title: `${w.title} — urne`, code: deps.code("observer-guide"),
      mainHtml: `<h1>${escapeHtml(w.title)}</h1>
<p>${escapeHtml(w.intro)}</p>
<h2>${escapeHtml(w.install)}</h2><p>${escapeHtml(w.installText)}</p>
${cmd(`# ${w.installComment}\nnpm install\nalias urne="npx urne"`)}
<h2>${escapeHtml(w.observe)}</h2><p>${escapeHtml(w.observeText)}</p>
${cmd(`urne observe --rpc ${deps.rpcUrl} --ballot-box ${deps.ballotBox} --data ./urne-mirror`)}
<p class="hint">${escapeHtml(w.node)} <a href="#chain-checks">C1–C5</a></p>
<h2>${escapeHtml(w.recount)}</h2><p>${escapeHtml(w.recountText)}</p>
${cmd(`urne recount --rpc ${deps.rpcUrl} --ballot-box ${deps.ballotBox} --api ${apiUrl}\nurne recount --mirror ./urne-mirror --ballot 1`)}
<p class="hint"><a href="#ballot-checks">R1–R6</a></p>
<h2>${escapeHtml(w.verify)}</h2><p>${escapeHtml(w.verifyText)} <a href="/verify?lang=${lang}">${escapeHtml(w.verifyPage)}</a>.</p>
${cmd(`urne verify proof.json --rpc ${deps.rpcUrl}`)}
<p class="hint"><a href="#proof-checks">P1–P9</a></p>
<h2 id="steps">${escapeHtml(w.steps)}</h2><p>${escapeHtml(w.stepsText)}</p>
${stepsTable("chain-checks", w.chain, steps.C, lang)}
${stepsTable("proof-checks", w.proof, steps.P, lang)}
${stepsTable("ballot-checks", w.ballot, steps.R, lang)}`,
    });
  });
  return router;
}
