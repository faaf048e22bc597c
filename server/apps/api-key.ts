// Organizer API keys: a fixed prefix (so that secret scanners and humans recognize one)
// plus 32 random bytes in base64url. Only the SHA-256 of a key is stored: a copy of the
// database does not let anybody call the API. 256 random bits make a plain hash enough
// (no salt or slow hash needed: nobody can guess such a key).
import { createHash, randomBytes } from "node:crypto";

export const API_KEY_PREFIX = "urne_sk_";
const API_KEY_PATTERN = /^urne_sk_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** Hex SHA-256 of the key; the only form of the key that is ever stored. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Shape check before any lookup: a malformed header costs no database read. */
export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}
