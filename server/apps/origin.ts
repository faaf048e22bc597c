// Where an organizer's widget may be embedded: exact web origins (scheme, host, port),
// compared as strings after normalization (RFC 6454 §6.1 serialization), never by prefix
// or suffix, so that https://example.org.evil.test never passes for https://example.org.
import { UrneError } from "../../protocol/errors.js";

/** Normalizes an origin, or throws ERR_INVALID_ORIGIN naming `field`. */
export function parseOrigin(value: unknown, field: string, opts: { allowHttpLoopback?: boolean } = {}): string {
  const reject = (why: string): never => {
    throw new UrneError("ERR_INVALID_ORIGIN", `${field} ${why}`, { field });
  };
  if (typeof value !== "string" || value.length === 0 || value.length > 300) reject("must be an origin such as https://example.org");
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    return reject("must be an origin such as https://example.org");
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback && opts.allowHttpLoopback !== false)) {
    reject("must use https (http is accepted for localhost only)");
  }
  if (url.username || url.password) reject("must not contain credentials");
  // An origin has no path, query or fragment: refuse rather than silently drop them.
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || /\/.+|\/$/.test((value as string).replace(/^[a-z]+:\/\//i, ""))) {
    reject("must be an origin only (scheme://host[:port]), without a path");
  }
  return url.origin;
}
