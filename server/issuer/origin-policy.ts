import { IssuerError } from "./errors.js";

/**
 * Which origins may log citizens in and ask for tokens. The vote host (server/api/
 * api-service.ts) allows its own origin only, where the widget frame runs: a partner page,
 * even one of the ballot's app's origins, would otherwise receive the citizen's identity
 * and a session (docs/SECURITY.md, Token issuance). Asked with a canonical origin only (see
 * `canonicalOrigin`), so an implementation may compare strings exactly.
 */
export interface OriginPolicy {
  /** May this origin log citizens in (no `ballotId`), or ask for a token of this ballot? */
  isAllowed(origin: string, ballotId?: bigint): Promise<boolean>;
}

/**
 * Returns `value` when it is exactly a serialized origin (`https://host[:port]`, no path,
 * no trailing slash, lower case as URL serializes it), else throws ERR_ORIGIN_NOT_ALLOWED.
 * Exactness matters: the value becomes a postMessage target and a JWT audience, and
 * both are compared byte for byte by the browser and by jose.
 */
export function canonicalOrigin(value: unknown, field = "origin"): string {
  if (typeof value === "string" && value.length <= 2048) {
    try {
      const url = new URL(value);
      if ((url.protocol === "https:" || url.protocol === "http:") && url.origin === value) return value;
    } catch {
      // falls through to the coded error
    }
  }
  throw new IssuerError("ERR_ORIGIN_NOT_ALLOWED", "The widget origin is not a valid origin (scheme://host[:port]).", { field });
}
