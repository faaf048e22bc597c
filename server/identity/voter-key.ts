import { createHmac } from "node:crypto";

/** Shortest server secret accepted: a full SHA-256 block of entropy. */
export const VOTER_KEY_SECRET_MIN_BYTES = 32;

/**
 * The ONLY value derived from a citizen's identity that the API keeps: it lets the issuer
 * sign one voting token per voter per ballot without storing who the voter is.
 *
 * HMAC rather than a plain hash because subjects are guessable by whoever knows the
 * provider's pairwise scheme; without the server secret the key cannot be recomputed
 * from a subject, nor a subject recovered from a leaked database.
 *
 * WARNING: the key is only as stable as the subject. FranceConnect's subjects are pairwise
 * (one per service provider): a new client registration, or a new secret here, gives every
 * citizen a new key, hence a second token for any ballot still open. Change neither while
 * a ballot is open.
 */
export function voterKey(secret: Uint8Array, issuer: string, subject: string): string {
  if (secret.byteLength < VOTER_KEY_SECRET_MIN_BYTES) {
    throw new TypeError(`voterKey: the secret must be at least ${VOTER_KEY_SECRET_MIN_BYTES} bytes`);
  }
  if (issuer.length === 0 || subject.length === 0) {
    throw new TypeError("voterKey: issuer and subject must not be empty");
  }
  // The issuer comes from our configuration, the subject from outside: forbidding the
  // separator in the issuer keeps `issuer|subject` unambiguous (injective).
  if (issuer.includes("|")) {
    throw new TypeError("voterKey: the issuer must not contain '|'");
  }
  return createHmac("sha256", secret).update(`${issuer}|${subject}`, "utf8").digest("hex");
}
