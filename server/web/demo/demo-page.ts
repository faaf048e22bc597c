// The demo partner's page, "MaVoix": an ordinary site that embeds the widget with the
// one-tag snippet, once per demo ballot, and shows that snippet for copy and paste.
import { embedTag } from "../../../protocol/embed-tag.js";
import { escapeHtml } from "../page-headers.js";
import { DEMO_BALLOT_NAMES, DEMO_BALLOT_TITLES, type DemoBallotName } from "./demo-ballots.js";

export function demoPage(voteHost: string, ballots: Record<DemoBallotName, string>, fingerprints: Record<DemoBallotName, string>, lang: "fr" | "en", integrity?: string): string {
  const sections = DEMO_BALLOT_NAMES.map((name) => {
    const snippet = embedTag({ voteHost, ballotId: ballots[name], fingerprint: fingerprints[name], lang, integrity });
    const note = name === "sealed"
      ? `<p class="note">Démonstration : les garants de ce scrutin sont simulés au démarrage et n'ont pas gardé leurs clés. Vous pouvez voter, vérifier le chiffrement et retrouver votre bulletin par son code de suivi, mais ses résultats ne seront jamais déchiffrés.</p>\n`
      : "";
    return `<section aria-labelledby="t-${name}">
<h2 id="t-${name}">${escapeHtml(DEMO_BALLOT_TITLES[name])}</h2>
${note}${snippet}
<details><summary>Code à copier pour intégrer ce vote</summary><pre><code>${escapeHtml(snippet)}</code></pre></details>
</section>`;
  }).join("\n");
  // The compact mode a partner may prefer in a list or an article: one button, the ballot in place once pressed.
  const buttonSnippet = embedTag({ voteHost, ballotId: ballots.single, fingerprint: fingerprints.single, lang, integrity, mode: "button" });
  const compact = `<section aria-labelledby="t-button">
<h2 id="t-button">Le bouton «\u00A0Je vote\u00A0» seul (la même question, <code>data-mode="button"</code>)</h2>
${buttonSnippet}
<details><summary>Code à copier pour intégrer ce bouton</summary><pre><code>${escapeHtml(buttonSnippet)}</code></pre></details>
</section>`;
  const other = lang === "fr" ? `<a href="/?lang=en">Widget in English</a>` : `<a href="/">Widget en français</a>`;
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MaVoix — démo partenaire</title>
<style>
body{margin:0;font:16px/1.55 Georgia,serif;color:#222;background:#f6f3ee}
header{background:#7a1f3d;color:#fff;padding:1rem 1.5rem}header p{margin:.25rem 0 0;color:#fde9ef}
main{max-width:52rem;margin:0 auto;padding:1rem 1.5rem 3rem}
h1{margin:0;font-size:1.8rem}h2{font-size:1.25rem;margin:2rem 0 .75rem}
section{background:#fff;padding:.5rem 1.25rem 1.25rem;border-radius:6px;margin:1.5rem 0;box-shadow:0 1px 3px rgba(0,0,0,.1)}
pre{background:#f1f1f1;padding:.75rem;overflow-x:auto;font-size:.85rem}a{color:#7a1f3d}
.note{font-size:.93rem;color:#555}
.urne-notice{padding:.75rem 1rem;background:#fff4f4;border-left:4px solid #b30000}
</style></head>
<body><header><h1>MaVoix</h1><p>Démo partenaire : un site de quartier qui propose des votes urne.</p></header>
<main>
<p>Chaque vote ci-dessous est intégré avec une seule balise <code>&lt;script&gt;</code>. Le vote s'affiche dans un cadre servi par le service de vote : ce site ne voit ni votre identité, ni votre choix. ${other}</p>
${sections}
${compact}
</main></body></html>`;
}
