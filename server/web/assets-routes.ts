// Serves the client bundle (client-assets.ts, read once from dist/client/): GET /embed.js
// and /assets/*.
import { Router } from "express";
import type { ClientBundle } from "./client-assets.js";

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
      // A partner page and the widget frame load these cross-origin as plain scripts. A
      // partner that pins embed.js with Subresource Integrity loads it with
      // crossorigin="anonymous", which needs CORS: public code, no credentials, so "*".
      "Cross-Origin-Resource-Policy": "cross-origin",
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": found.immutable ? "public, max-age=31536000, immutable" : "public, max-age=300",
    });
    res.send(found.body);
  });
  return router;
}
