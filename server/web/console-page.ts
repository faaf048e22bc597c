// GET /console?lang=fr|en: the organizer console (client/console). An organizer signs in
// with their app's API key, creates ballots, previews the widget, copies the embed tag,
// follows participation, closes a ballot and downloads its results, all through the same
// JSON API a partner's server calls (/v1/app, /v1/ballots...), from this origin. The key
// stays in the tab (sessionStorage), never in a URL or a cookie. The page frames only its
// own origin: the widget's preview.
import { Router } from "express";
import type { PageCode } from "./page-code.js";
import { escapeHtml } from "./page-headers.js";
import { badLang, publicLang, sendShell } from "./public-page.js";

export function consolePageRoutes(code: (page: string) => PageCode): Router {
  const router = Router();
  router.get("/console", (req, res) => {
    const lang = publicLang(req);
    if (!lang) return badLang(res);
    const title = lang === "en" ? "Organizer console" : "Console des organisateurs";
    sendShell(res, {
      lang, title: `${title} — urne`, code: code("console"), policy: { framesSelf: true },
      mainHtml: `<h1>${escapeHtml(title)}</h1><noscript><p>${escapeHtml(lang === "en"
        ? "The console needs JavaScript. The same actions are in the organizers' JSON API (docs/OPERATIONS.md, section 6)."
        : "La console a besoin de JavaScript. Les mêmes actions existent dans l'API JSON des organisateurs (docs/OPERATIONS.md, section 6).")}</p></noscript>`,
    });
  });
  return router;
}
