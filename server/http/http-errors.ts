// The ONE place where coded errors become HTTP answers (docs/STYLE.md habit 6). Every route
// throws UrneError (or a subclass) for bad input; this handler maps its code to a status
// and answers `{ "error": { "code", "message", "field" } }`. Anything else is our bug:
// a 500 with a generic message, the details kept out of the answer and out of the logs'
// request fields (no body, no token, no identity).
import type { ErrorRequestHandler, RequestHandler } from "express";
import { UrneError } from "../../protocol/errors.js";
import { RateLimitedError } from "./rate-limiter.js";

/** Codes whose status is not 400. Any other ERR_* code of an UrneError is a 400. */
const STATUS_BY_CODE: Record<string, number> = {
  ERR_UNAUTHENTICATED: 401,
  ERR_SESSION_INVALID: 401,
  ERR_SESSION_EXPIRED: 401,
  ERR_SESSION_AUDIENCE: 401,
  ERR_LOGIN_STATE_MISMATCH: 400,
  ERR_LOGIN_EXPIRED: 400,
  ERR_LOGIN_DENIED: 403,
  ERR_LOGIN_ACR: 403,
  ERR_FORBIDDEN: 403,
  ERR_ORIGIN_NOT_ALLOWED: 403,
  ERR_NOT_ELIGIBLE: 403,
  ERR_NOT_FOUND: 404,
  ERR_BALLOT_NOT_FOUND: 404,
  ERR_RECEIPT_NOT_FOUND: 404,
  ERR_APP_NOT_FOUND: 404,
  ERR_CEREMONY_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_TOKEN_ALREADY_ISSUED: 409,
  ERR_ALREADY_VOTED: 409,
  ERR_STALE_REVISION: 409,
  ERR_BALLOT_CLOSED: 409,
  ERR_BALLOT_NOT_OPEN: 409,
  ERR_CONFLICT: 409,
  ERR_RESULTS_HIDDEN: 409,
  ERR_RESULTS_AWAITING_DECRYPTION: 409,
  ERR_BALLOT_NOT_SEALED: 409,
  ERR_BALLOT_NOT_CLOSED: 409,
  ERR_NO_OPERATOR_KEY: 409,
  ERR_VOTE_CONFLICT: 409,
  ERR_BALLOT_CLOSING: 409,
  ERR_UNSAFE_ISSUER_KEY: 409,
  ERR_BODY_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_RATE_LIMITED: 429,
  ERR_TOO_MANY_LOGINS: 429,
  ERR_LOGIN_FAILED: 502,
  ERR_CHAIN_UNAVAILABLE: 503,
  ERR_RELAY_BACKLOG: 503,
  ERR_RELAY_UNAVAILABLE: 503,
  ERR_LOGIN_BUSY: 503,
  // A store write failed (disk full): nothing more is recorded until a restart (server/store/durable-level.ts).
  ERR_STORE_UNAVAILABLE: 503,
  // Our own faults, raised as coded errors so that the issuer's login pages can name them.
  ERR_INTERNAL: 500,
  ERR_SIGNING_FAULT: 500,
};

/** 503s whose cause passes by itself (a node restarting, a relay landing its backlog). */
const RETRY_SOON: ReadonlySet<string> = new Set(["ERR_CHAIN_UNAVAILABLE", "ERR_RELAY_BACKLOG", "ERR_RELAY_UNAVAILABLE"]);

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}

export type ErrorBody = { error: { code: string; message: string; field?: string; faults?: { field: string; message: string }[] } };

export function errorBody(error: UrneError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...(error.faults ? { faults: [...error.faults] } : {}) } };
}

/** 404 for any route nobody answered. */
export const notFound: RequestHandler = (_req, _res, next) => {
  next(new UrneError("ERR_NOT_FOUND", "No such endpoint."));
};

/**
 * The last middleware of the app. Also turns express's own body-parser failures
 * (malformed JSON, too large, wrong content type) into coded 4xx answers: bad input is
 * never a 500.
 */
export function errorHandler(log: (event: string, fields: Record<string, unknown>) => void): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let coded: UrneError | undefined;
    if (error instanceof UrneError) coded = error;
    else if (error?.type === "entity.too.large") coded = new UrneError("ERR_BODY_TOO_LARGE", "The request body is too large.", { field: "body" });
    else if (error?.type === "entity.parse.failed") coded = new UrneError("ERR_INVALID_JSON", "The request body is not valid JSON.", { field: "body" });
    else if (error?.type === "charset.unsupported") coded = new UrneError("ERR_UNSUPPORTED_MEDIA_TYPE", "The request body must be UTF-8 JSON.", { field: "content-type" });
    else if (error?.type === "encoding.unsupported") coded = new UrneError("ERR_UNSUPPORTED_MEDIA_TYPE", "The request body's Content-Encoding is not supported.", { field: "content-encoding" });
    // Any other client error express or body-parser flagged (e.g. a route parameter with
    // broken %-encoding): a coded 4xx, and its raw value kept out of the logs.
    else if (Number.isInteger(error?.status) && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: { code: "ERR_INVALID_REQUEST", message: "Malformed request." } });
      return;
    }
    if (coded) {
      if (coded instanceof RateLimitedError) res.set("Retry-After", String(coded.retryAfterSeconds));
      // A service that will answer again shortly says when to try.
      else if (RETRY_SOON.has(coded.code)) res.set("Retry-After", "5");
      res.status(statusForCode(coded.code)).json(errorBody(coded));
      return;
    }
    // Our bug: log what helps (route, error) but never the body, headers or identity.
    log("http.internal_error", { method: req.method, route: req.route?.path ?? "unknown", error: String(error?.stack ?? error) });
    res.status(500).json({ error: { code: "ERR_INTERNAL", message: "Internal error; nothing was recorded. Try again later." } });
  };
}
