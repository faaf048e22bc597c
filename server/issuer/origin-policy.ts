import { IssuerError } from "./errors.js";

/**
 * Which widget origins may log citizens in and ask for tokens: the API core implements it
 * from the organizer apps' allowed origins. Asked with a canonical origin only (see
 * `canonicalOrigin`), so an implementation may compare strings exactly.
 */
export interface OriginPolicy {
  /**
   * Without `ballotId` (login): is this the origin of any live organizer app? With it
   * (token requests): may this origin serve that ballot? An implementation that ignores
   * `ballotId` lets any organizer's widget request tokens for any ballot; answering with
   * the ballot's own app's origins keeps each widget to its organizer's ballots.
   */
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
