import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { IdentityError } from "./errors.js";

/**
 * Short-lived proof, handed to the widget after login (by postMessage, never in a URL),
 * that lets it ask for a voting token. It carries only the voter key and what eligibility
 * needs: no name, no provider subject.
 *
 * HS256 with a 32-byte key: the API both issues and verifies it, so nobody else needs a
 * public key, and a symmetric MAC is the smallest thing that is safe here.
 */
export const SESSION_TOKEN_ALG = "HS256";
/** Explicit JWT type (RFC 8725 §3.11): no other JWT signed with the same key can pass as a session. */
export const SESSION_TOKEN_TYPE = "urne-session+jwt";
export const SESSION_TOKEN_ISSUER = "urne";
export const SESSION_TOKEN_TTL_SECONDS = 600;
/** Tolerated clock difference when checking expiry; the API both issues and verifies. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface SessionClaims {
  /** HMAC voter key (see voter-key.ts), 64 hex characters. */
  voterKey: string;
  /** YYYY-MM-DD, needed to judge age rules against each ballot's closing date. */
  birthdate: string;
}

export interface IssueSessionTokenParams extends SessionClaims {
  /** 32 random bytes, kept by the server, never logged. */
  key: Uint8Array;
  /** The widget's origin, e.g. "https://vote.example.org". */
  audience: string;
  ttlSeconds?: number;
  issuer?: string;
  /** Clock, replaceable in tests. */
  now?: Date;
}

export interface VerifySessionTokenParams {
  key: Uint8Array;
  audience: string;
  issuer?: string;
  now?: Date;
}

export interface VerifiedSession extends SessionClaims {
  /** Epoch seconds. */
  expiresAt: number;
}

const VOTER_KEY = /^[0-9a-f]{64}$/;
const BIRTHDATE = /^\d{4}-\d{2}-\d{2}$/;

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) {
    throw new TypeError("session token: the key must be exactly 32 bytes");
  }
}

export async function issueSessionToken(params: IssueSessionTokenParams): Promise<string> {
  checkKey(params.key);
  const ttl = params.ttlSeconds ?? SESSION_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError("issueSessionToken: ttlSeconds must be a positive integer");
  if (!VOTER_KEY.test(params.voterKey)) throw new TypeError("issueSessionToken: voterKey must be 64 lowercase hex characters");
  if (!BIRTHDATE.test(params.birthdate)) throw new TypeError("issueSessionToken: birthdate must be YYYY-MM-DD");
  if (params.audience.length === 0) throw new TypeError("issueSessionToken: audience must not be empty");
  const now = Math.floor((params.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ birthdate: params.birthdate })
    .setProtectedHeader({ alg: SESSION_TOKEN_ALG, typ: SESSION_TOKEN_TYPE })
    .setIssuer(params.issuer ?? SESSION_TOKEN_ISSUER)
    .setAudience(params.audience)
    .setSubject(params.voterKey)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(params.key);
}

/** Verifies signature (HS256 only), type, issuer, audience and expiry; throws ERR_SESSION_*. */
export async function verifySessionToken(token: string, params: VerifySessionTokenParams): Promise<VerifiedSession> {
  checkKey(params.key);
  let payload;
  try {
    ({ payload } = await jwtVerify(token, params.key, {
      // An allow-list of one: `none`, RS256-with-the-key-as-public-key and friends never pass.
      algorithms: [SESSION_TOKEN_ALG],
      typ: SESSION_TOKEN_TYPE,
      issuer: params.issuer ?? SESSION_TOKEN_ISSUER,
      audience: params.audience,
      requiredClaims: ["exp", "iat", "sub"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(params.now === undefined ? {} : { currentDate: params.now }),
    }));
  } catch (error) {
    throw mapJoseError(error);
  }
  const { sub, birthdate, exp } = payload;
  // Signed by us, so malformed claims mean a bug or a leaked key: refuse all the same.
  if (typeof sub !== "string" || !VOTER_KEY.test(sub) || typeof birthdate !== "string" || !BIRTHDATE.test(birthdate)) {
    throw new IdentityError("ERR_SESSION_INVALID", "The session token's claims are malformed.", { field: "session" });
  }
  return { voterKey: sub, birthdate, expiresAt: exp as number };
}

// jose errors carry the token payload (voter key, birthdate): never kept as a cause.
function mapJoseError(error: unknown): IdentityError {
  if (error instanceof joseErrors.JWTExpired) {
    return new IdentityError("ERR_SESSION_EXPIRED", "The session has expired: log in again.", { field: "session" });
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
    return new IdentityError("ERR_SESSION_AUDIENCE", "The session was issued for another site.", { field: "session.aud" });
  }
  return new IdentityError("ERR_SESSION_INVALID", "The session token is not valid.", { field: "session" });
}
