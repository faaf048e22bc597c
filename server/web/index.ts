// The web side of the vote host: the client bundle (embed.js, page scripts) and the pages
// citizens see. Mounted by the stack next to the API; pages are server-rendered shells
// whose script comes from client/<page>/main.ts.
import { Router } from "express";
import { assetRoutes } from "./assets-routes.js";
import type { ClientBundle } from "./client-build.js";

export type WebDeps = {
  bundle: ClientBundle;
};

export function webRouter(deps: WebDeps): Router {
  const router = Router();
  router.use(assetRoutes(deps.bundle));
  return router;
}
