import type { DemoCitizen } from "./citizens.js";

// HTML of the development provider's pages. Plain server-rendered forms: they work without
// JavaScript and with any assistive technology, and every value is escaped.

export const DEV_BANNER = "Fournisseur d'identité de DÉVELOPPEMENT — pas FranceConnect";

/** Applied to every page here: nothing loads from elsewhere, nothing may frame the page. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
});

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

function ageOn(birthdate: string, today: Date): number {
  const [year, month, day] = birthdate.split("-").map(Number) as [number, number, number];
  const beforeBirthday = today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  return today.getUTCFullYear() - year - (beforeBirthday ? 1 : 0);
}

function frenchDate(birthdate: string): string {
  const [year, month, day] = birthdate.split("-");
  return `${day}/${month}/${year}`;
}

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#161616}
.dev{border:3px solid #b34000;background:#fff4e5;padding:1rem;font-weight:700}
ul{list-style:none;padding:0}li{margin:.75rem 0}
button{font:inherit;padding:.75rem 1rem;width:100%;text-align:left;cursor:pointer;border:2px solid #000091;background:#fff;color:#000091}
button:focus{outline:3px solid #0a76f6;outline-offset:2px}
button.secondary{border-color:#666;color:#333;width:auto}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} — ${escapeHtml(DEV_BANNER)}</title>
<style>${STYLE}</style>
</head>
<body>
<p class="dev" role="note">${escapeHtml(DEV_BANNER)}. Identités fictives, pour le développement, les démonstrations et les tests uniquement.</p>
<main>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageParams {
  /** The interaction uid: it scopes the form to this one login (with its cookie). */
  uid: string;
  /** The service asking for the login, as registered. */
  clientName: string;
  citizens: readonly DemoCitizen[];
  today: Date;
}

/** One real <button> per demo citizen, each submitting the same POST form with its id. */
export function renderLoginPage({ uid, clientName, citizens, today }: LoginPageParams): string {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const items = citizens.map((c) => {
    const label = `${c.given_name} ${c.family_name}, né${c.gender === "female" ? "e" : ""} le ${frenchDate(c.birthdate)} (${ageOn(c.birthdate, today)} ans)`;
    const que = /^[AEIOUYÀÂÉÈÊÎÔ]/i.test(c.given_name) ? "qu'" : "que ";
    return `<li><button type="submit" name="citizen" value="${escapeHtml(c.id)}">${escapeHtml(`Se connecter en tant ${que}${label}`)}</button></li>`;
  }).join("\n");
  return page("Choisir une identité de démonstration", `
<h1>Choisir une identité de démonstration</h1>
<p>Le service <strong>${escapeHtml(clientName)}</strong> demande à vous identifier.</p>
<form method="post" action="${action}/login">
<fieldset>
<legend>Citoyens fictifs</legend>
<ul>
${items}
</ul>
</fieldset>
</form>
<form method="post" action="${action}/abort">
<button type="submit" class="secondary">Annuler et revenir au service</button>
</form>`);
}

export function renderErrorPage(message: string): string {
  return page("Connexion impossible", `<h1>Connexion impossible</h1>\n<p>${escapeHtml(message)}</p>`);
}
