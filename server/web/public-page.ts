// The HTML shell of the public pages (verify, results, observer instructions): language
// from ?lang=fr|en (French by default), a title, the page's code pinned by integrity
// (page-code.ts: client/<page>/main.ts and its CSS), and a <main> the script fills in. What must be
// readable without JavaScript (a heading, the observer instructions) is in the shell.
import type { Request, Response } from "express";
import type { PageCode } from "./page-code.js";
import { escapeHtml, setPageHeaders, type PagePolicy } from "./page-headers.js";

export type PublicLang = "fr" | "en";

/** ?lang: "fr" (default) or "en"; anything else is refused, naming the parameter. */
export function publicLang(req: Request): PublicLang | undefined {
  const value = req.query.lang;
  if (value === undefined || value === "fr") return "fr";
  if (value === "en") return "en";
  return undefined;
}

export function badLang(res: Response): void {
  setPageHeaders(res, { frameAncestors: [] }).status(400).send(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>urne</title></head>
<body><main><p>Paramètre «\u00A0lang\u00A0» invalide\u00A0: «\u00A0fr\u00A0» ou «\u00A0en\u00A0». / Invalid "lang" parameter: "fr" or "en".</p></main></body></html>`);
}

export type ShellOptions = {
  lang: PublicLang;
  title: string;
  /** The tags that load the page's code (page-code.ts). */
  code: PageCode;
  /** Already-escaped HTML inside <main>. */
  mainHtml: string;
  /** data-* attributes of <main>, escaped here. */
  data?: Record<string, string>;
  policy?: Partial<PagePolicy>;
};

export function sendShell(res: Response, o: ShellOptions): void {
  const data = Object.entries(o.data ?? {}).map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`).join("");
  // No site may frame these pages: a framed verify page could be overlaid to mislead.
  setPageHeaders(res, { frameAncestors: [], ...o.policy, scriptHashes: o.code.scriptHashes }).send(`<!doctype html>
<html lang="${o.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
${o.code.head}</head>
<body><main id="urne-main"${data}>${o.mainHtml}</main></body></html>`);
}
