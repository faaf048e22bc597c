// GET /verify?lang=fr|en: the page where anybody checks a proof of vote (PROTOCOL.md §9.2)
// against the node of their choice (client/verify). The page talks to that node directly,
// hence `connect-src http: https:` (any node, not only ours); everything else is locked to
// this origin, and no site may frame it.
import { Router } from "express";
import type { PageCode } from "./page-code.js";
import { escapeHtml } from "./page-headers.js";
import { badLang, publicLang, sendShell } from "./public-page.js";

export function verifyRoutes(code: (page: string) => PageCode): Router {
  const router = Router();
  router.get("/verify", (req, res) => {
    const lang = publicLang(req);
    if (!lang) return badLang(res);
    const title = lang === "en" ? "Check a proof of vote" : "Vérifier une preuve de vote";
    const noscript = lang === "en"
      ? "This page checks the proof in your browser and needs JavaScript. Without it, use the command line: urne verify PROOF.json --rpc URL."
      : "Cette page vérifie la preuve dans votre navigateur et a besoin de JavaScript. Sans lui, utilisez la ligne de commande : urne verify PREUVE.json --rpc URL.";
    sendShell(res, {
      lang, title: `${title} — urne`, code: code("verify"),
      mainHtml: `<h1>${escapeHtml(title)}</h1><noscript><p>${escapeHtml(noscript)}</p></noscript>`,
      policy: { connect: ["http:", "https:"] },
    });
  });
  return router;
}
