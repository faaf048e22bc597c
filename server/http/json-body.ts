// JSON bodies only, small, UTF-8, parsed strictly. express.json's own failures (malformed
// JSON, too large) reach errorHandler, which answers 400 / 413 with a coded error.
import { isUtf8 } from "node:buffer";
import express, { type RequestHandler } from "express";
import { UrneError } from "../../protocol/errors.js";

/**
 * The largest ballot the rules allow (a 1,000-unit question, 64 options of 200) is about
 * 14 kB of JSON in ASCII, 40 kB in raw UTF-8 of three-byte characters, and 84 kB with
 * every character \u-escaped, as many JSON encoders write by default (Python's
 * json.dumps): it must fit.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 128 * 1024;

export function jsonBody(limitBytes = DEFAULT_BODY_LIMIT_BYTES): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.get("content-length") !== undefined ? req.get("content-length") !== "0" : req.get("transfer-encoding") !== undefined;
    if (hasBody && !req.is("application/json")) {
      throw new UrneError("ERR_UNSUPPORTED_MEDIA_TYPE", "The request body must be JSON (Content-Type: application/json).", { field: "content-type" });
    }
    next();
  };
  // RFC 8259 §8.1: JSON between systems is UTF-8. Checked on the raw bytes, before any
  // decoding: body-parser would otherwise put U+FFFD in place of each malformed sequence,
  // and a question would reach the chain altered (a lone surrogate written as WTF-8, ED A0
  // 80, too). UTF-16 and UTF-32 charsets are refused rather than decoded.
  const verify = (_req: unknown, _res: unknown, body: Buffer, encoding: string | null) => {
    if (encoding !== null && encoding !== "utf-8" && encoding !== "utf8") {
      throw new UrneError("ERR_UNSUPPORTED_MEDIA_TYPE", "The request body must be UTF-8 JSON.", { field: "content-type" });
    }
    if (!isUtf8(body)) throw new UrneError("ERR_INVALID_JSON", "The request body is not valid UTF-8.", { field: "body" });
  };
  return [requireJson, express.json({ limit: limitBytes, strict: true, type: "application/json", verify })];
}
