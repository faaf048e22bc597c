import type { Request } from "express";

/**
 * The client's address as express resolves it: set the app's `trust proxy` to the real
 * proxy hops (URNE_TRUST_PROXY), or every client behind the proxy shares one bucket. Used
 * for rate limiting only, never written or logged.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}
