// JSON bodies only, small, parsed strictly. express.json's own failures (malformed JSON,
// too large) reach errorHandler, which answers 400 / 413 with a coded error.
import express, { type RequestHandler } from "express";
import { UrneError } from "../../protocol/errors.js";

/** A ballot with 64 options of 200 characters is about 14 kB of JSON. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export function jsonBody(limitBytes = DEFAULT_BODY_LIMIT_BYTES): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.get("content-length") !== undefined ? req.get("content-length") !== "0" : req.get("transfer-encoding") !== undefined;
    if (hasBody && !req.is("application/json")) {
      throw new UrneError("ERR_UNSUPPORTED_MEDIA_TYPE", "The request body must be JSON (Content-Type: application/json).", { field: "content-type" });
    }
    next();
  };
  return [requireJson, express.json({ limit: limitBytes, strict: true, type: "application/json" })];
}
