import { UrneError } from "../../protocol/errors.js";

// Coded errors of the identity layer: UrneError's shape (code, message, { field }), with
// codes of their own. They stay out of protocol/'s ErrorCode because the widget and the
// observers never meet them: only the API does, and maps them to HTTP statuses.

/** Every code this layer throws. The API maps them to HTTP statuses in its one error handler. */
export type IdentityErrorCode =
  /** The callback's `state` is not the one this login attempt sent (CSRF, mix-up, replay). */
  | "ERR_LOGIN_STATE_MISMATCH"
  /** The login attempt is older than its lifetime, or was already used. */
  | "ERR_LOGIN_EXPIRED"
  /** The provider (or the citizen) refused the login: the callback carries `error`. */
  | "ERR_LOGIN_DENIED"
  /** The token endpoint refused the code: replayed, wrong PKCE verifier, or another client's. */
  | "ERR_LOGIN_CODE_REJECTED"
  /** The ID token failed a check (nonce, audience, issuer, expiry, signature). */
  | "ERR_LOGIN_ID_TOKEN"
  /** The ID token does not carry the required level of assurance (`acr`). */
  | "ERR_LOGIN_ACR"
  /** The userinfo answer is missing a required claim or is malformed. */
  | "ERR_LOGIN_USERINFO"
  /** Anything else: the provider is unreachable or answered something unexpected. */
  | "ERR_LOGIN_FAILED"
  /** The session token is malformed, unsigned, signed with another key or algorithm. */
  | "ERR_SESSION_INVALID"
  /** The session token is past its expiry. */
  | "ERR_SESSION_EXPIRED"
  /** The session token was issued for another audience (another widget origin). */
  | "ERR_SESSION_AUDIENCE"
  /** The identity does not meet the ballot's eligibility rules. */
  | "ERR_NOT_ELIGIBLE"
  /** An identity attribute is malformed (e.g. a birthdate that is not YYYY-MM-DD). */
  | "ERR_IDENTITY_INVALID";

export interface IdentityErrorOptions {
  /** The input at fault, as a path the caller can show (`"state"`, `"id_token.acr"`). */
  field?: string;
  /** Non-identifying values that explain the failure (never a token, a name or a birthdate). */
  details?: Record<string, string | number | boolean>;
  cause?: unknown;
}

/**
 * Bad input from outside (a provider, a browser, a token), as opposed to caller misuse,
 * which throws a plain TypeError. The message is safe to show and to log: it never holds
 * a token, a subject or any identity attribute.
 */
export class IdentityError extends UrneError {
  // `declare`: narrows the type only; UrneError's constructor sets the value.
  declare readonly code: IdentityErrorCode;
  readonly details?: Record<string, string | number | boolean>;

  constructor(code: IdentityErrorCode, message: string, options: IdentityErrorOptions = {}) {
    super(code, message, {
      ...(options.field === undefined ? {} : { field: options.field }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = "IdentityError";
    if (options.details !== undefined) this.details = options.details;
  }
}

export function isIdentityError(value: unknown, code?: IdentityErrorCode): value is IdentityError {
  return value instanceof IdentityError && (code === undefined || value.code === code);
}
