// GET /ballots?lang=fr|en: every ballot of this vote host (client/ballots), read from the
// public API on this origin (/v1/public-ballots). Without JavaScript, the shell says where
// the same list is as JSON.
import { Router } from "express";
import type { PageCode } from "./page-code.js";
import { escapeHtml } from "./page-headers.js";
import { badLang, publicLang, sendShell } from "./public-page.js";

export function ballotsPageRoutes(code: (page: string) => PageCode): Router {
  const router = Router();
  router.get("/ballots", (req, res) => {
    const lang = publicLang(req);
    if (!lang) return badLang(res);
    const title = lang === "en" ? "Ballots of this service" : "Les scrutins de ce service";
    sendShell(res, {
      lang, title: `${title} — urne`, code: code("ballots"),
      mainHtml: `<h1>${escapeHtml(title)}</h1><noscript><p>${escapeHtml(lang === "en"
        ? "The same list is at /v1/public-ballots (JSON)."
        : "La même liste est disponible en JSON\u00A0: /v1/public-ballots.")}</p></noscript>`,
    });
  });
  return router;
}
