// CORS for the endpoints the widget calls from an organizer's page: only the origins
// registered by the organizer apps (exact match, scheme + host + port) get the
// Access-Control-Allow-Origin header. Organizer endpoints get no CORS at all: they are
// server to server, and a browser cannot even send them a preflighted request.
import type { Request, RequestHandler } from "express";
import { UrneError } from "../../protocol/errors.js";

/** The origins allowed for this request (e.g. the ballot's app's, or every live app's). */
export type OriginResolver = (req: Request) => Promise<ReadonlySet<string>>;

export const WIDGET_ALLOWED_HEADERS = "Content-Type, Authorization";

export function widgetCors(allowedOrigins: OriginResolver, methods = "GET, POST"): RequestHandler {
  return async (req, res, next) => {
    res.vary("Origin");
    const origin = req.get("origin");
    if (origin === undefined) {
      next();
      return;
    }
    let allowed = false;
    try {
      allowed = (await allowedOrigins(req)).has(origin);
    } catch (error) {
      // An unknown ballot: let the route answer its own 404 (without CORS headers).
      if (!(error instanceof UrneError)) throw error;
    }
    if (allowed) {
      res.set("Access-Control-Allow-Origin", origin);
      res.set("Access-Control-Max-Age", "600");
    }
    if (req.method === "OPTIONS") {
      if (!allowed) throw new UrneError("ERR_ORIGIN_NOT_ALLOWED", "This origin is not registered for the widget.", { field: "origin" });
      res.set("Access-Control-Allow-Methods", methods);
      res.set("Access-Control-Allow-Headers", WIDGET_ALLOWED_HEADERS);
      res.status(204).end();
      return;
    }
    next();
  };
}
