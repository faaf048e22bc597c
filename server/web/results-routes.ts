// GET /results/:ballotId?lang=fr|en: a ballot's results as charts and tables
// (client/results), read from the public API (/v1/ballots/:id/results) on this origin;
// for a sealed ballot (data-sealed on <main>), its counted ballots by tracking code too
// (/v1/ballots/:id/trackers), which a public ballot has not.
import { Router, type Request } from "express";
import type { BallotService } from "../ballots/ballot-service.js";
import { isBallotId } from "../http/ballot-id.js";
import type { PageCode } from "./page-code.js";
import { escapeHtml, setPageHeaders } from "./page-headers.js";
import { badLang, publicLang, sendShell } from "./public-page.js";

export function resultsRoutes(code: (page: string) => PageCode, ballots?: Pick<BallotService, "record">): Router {
  const router = Router();
  router.get("/results/:ballotId", async (req: Request<{ ballotId: string }>, res) => {
    const lang = publicLang(req);
    if (!lang) return badLang(res);
    const { ballotId } = req.params;
    if (!isBallotId(ballotId)) {
      setPageHeaders(res, { frameAncestors: [] }).status(404).send(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>urne</title></head>
<body><main><p>${lang === "en" ? "ballotId must be a ballot number." : "ballotId doit être un numéro de scrutin."}</p></main></body></html>`);
      return;
    }
    const title = lang === "en" ? `Results of ballot ${ballotId}` : `Résultats du scrutin n° ${ballotId}`;
    // An unknown ballot gets the page too: it says so from the API's answer.
    const sealed = ballots ? await ballots.record(ballotId).then((r) => r.sealed !== undefined, () => false) : false;
    sendShell(res, {
      lang, title: `${title} — urne`, code: code("results"), data: { "ballot-id": ballotId, ...(sealed ? { sealed: "true" } : {}) },
      mainHtml: `<h1>${escapeHtml(title)}</h1><noscript><p>${escapeHtml(lang === "en"
        ? `The results are also at /v1/ballots/${ballotId}/results (JSON).`
        : `Les résultats sont aussi disponibles en JSON : /v1/ballots/${ballotId}/results.`)}</p></noscript>`,
    });
  });
  return router;
}
