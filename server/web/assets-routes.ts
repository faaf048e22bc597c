// Serves the client bundle (client-assets.ts, read once from dist/client/): GET /embed.js
// and /assets/*, brotli- or gzip-compressed as the build wrote them when the browser accepts
// it (Accept-Encoding), the same bytes otherwise; caches keep one copy per coding (Vary).
import { Router } from "express";
import { CONTENT_CODINGS } from "../../protocol/client-manifest.node.js";
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
      Vary: "Accept-Encoding",
    });
    // The smallest coding the browser accepts at all (q > 0): browsers list gzip first, yet
    // take brotli as well, a fifth to two fifths smaller than gzip here.
    const coding = CONTENT_CODINGS.find((c) => found.encoded.has(c) && req.acceptsEncodings([c]) === c);
    if (coding) {
      res.set("Content-Encoding", coding);
      res.send(found.encoded.get(coding));
      return;
    }
    res.send(found.body);
  });
  return router;
}
