// The web side of the vote host: the client bundle (embed.js, page scripts) and the pages
// citizens see. Mounted by the stack next to the API; pages are server-rendered shells
// whose script comes from client/<page>/main.ts, pinned by integrity (page-code.ts).
import { Router } from "express";
import { assetRoutes } from "./assets-routes.js";
import { ballotsPageRoutes } from "./ballots-page.js";
import { consolePageRoutes } from "./console-page.js";
import type { ClientBundle } from "./client-assets.js";
import { observerRoutes } from "./observer-page.js";
import { pageCodes } from "./page-code.js";
import { resultsRoutes } from "./results-routes.js";
import { verifyRoutes } from "./verify-routes.js";
import { type WidgetRouteDeps, widgetRoutes } from "./widget-routes.js";

export type WebDeps = {
  bundle: ClientBundle;
  /** The widget's pages and public endpoints (widget-routes.ts). */
  widget: WidgetRouteDeps;
};

export function webRouter(deps: WebDeps): Router {
  const router = Router();
  const code = pageCodes(deps.bundle);
  router.use(assetRoutes(deps.bundle));
  router.use(widgetRoutes(deps.widget, code));
  router.use(verifyRoutes(code));
  router.use(resultsRoutes(code, deps.widget.ballots));
  router.use(ballotsPageRoutes(code));
  router.use(consolePageRoutes(code));
  router.use(observerRoutes({ rpcUrl: deps.widget.rpcUrls[0], ballotBox: deps.widget.chain.ballotBox, code }));
  return router;
}
