// Serves the in-memory client bundle (client-build.ts): GET /embed.js and /assets/*.
import { Router } from "express";
import type { ClientBundle } from "./client-build.js";

export function assetRoutes(bundle: ClientBundle): Router {
  const router = Router();
  router.get(["/embed.js", "/assets/:file"], (req, res, next) => {
    const found = bundle.assets.get(req.path);
    if (!found) {
      next();
      return;
    }
    res.set({
      "Content-Type": found.contentType,
      // A partner page and the widget frame load these cross-origin as plain scripts.
      "Cross-Origin-Resource-Policy": "cross-origin",
      "Cache-Control": found.immutable ? "public, max-age=31536000, immutable" : "public, max-age=300",
    });
    res.send(found.body);
  });
  return router;
}
