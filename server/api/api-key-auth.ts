// Organizer authentication: `Authorization: Bearer <API key>`, server to server. The app
// found is put in res.locals.app; a missing, malformed, unknown or revoked key is one and
// the same 401 (nothing tells an attacker which keys exist or existed).
import type { RequestHandler, Response } from "express";
import { UrneError } from "../../protocol/errors.js";
import type { App, AppRegistry } from "../apps/app-registry.js";

export function requireApiKey(apps: AppRegistry): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    const app = match ? await apps.authenticate(match[1]) : undefined;
    if (!app) {
      res.set("WWW-Authenticate", 'Bearer realm="urne"');
      throw new UrneError("ERR_UNAUTHENTICATED", "A valid API key is required: Authorization: Bearer urne_sk_...", { field: "authorization" });
    }
    res.locals.app = app;
    next();
  };
}

/** The app authenticated by requireApiKey. */
export function appOf(res: Response): App {
  const app = res.locals.app as App | undefined;
  if (!app) throw new TypeError("appOf: requireApiKey did not run before this route");
  return app;
}
