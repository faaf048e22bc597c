import * as oidc from "openid-client";
import { IdentityError } from "./errors.js";

// openid-client's errors are precise but not ours: these functions turn them into stable
// codes the API can map to statuses. The original is NOT kept as `cause`: oauth4webapi
// attaches the ID token's claims or the userinfo body to its errors, and an error that
// reaches a log must not carry an identity. `safeCause` keeps its name, code and (fixed)
// message only.

/** oauth4webapi codes raised while validating a token response (mostly its ID token). */
const ID_TOKEN_CODES = new Set([
  "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
  "OAUTH_JWT_TIMESTAMP_CHECK_FAILED",
  "OAUTH_KEY_SELECTION_FAILED",
  "OAUTH_INVALID_RESPONSE",
  "OAUTH_PARSE_ERROR",
]);

/** Maps a failure of `authorizationCodeGrant`. */
export function mapGrantError(error: unknown): IdentityError {
  if (error instanceof oidc.AuthorizationResponseError) {
    return new IdentityError("ERR_LOGIN_DENIED", "The identity provider did not complete the login.", { field: "error", details: { error: safeWord(error.error) }, cause: safeCause(error) });
  }
  if (error instanceof oidc.ResponseBodyError) {
    // invalid_grant is the token endpoint's answer to a replayed or expired code, a PKCE
    // verifier that does not match the challenge, or a code issued to another client.
    if (error.error === "invalid_grant") {
      return new IdentityError("ERR_LOGIN_CODE_REJECTED", "The identity provider refused this login code; start again.", { field: "code", cause: safeCause(error) });
    }
    return failed(error);
  }
  if (error instanceof oidc.ClientError && typeof error.code === "string" && ID_TOKEN_CODES.has(error.code)) {
    const claim = findClaim(error);
    return new IdentityError("ERR_LOGIN_ID_TOKEN", "The identity provider's ID token failed validation.", {
      field: claim === undefined ? "id_token" : `id_token.${claim}`, cause: safeCause(error),
    });
  }
  return failed(error);
}

/** Maps a failure of `fetchUserInfo`. */
export function mapUserInfoError(error: unknown): IdentityError {
  if (error instanceof oidc.ClientError && typeof error.code === "string"
    && (ID_TOKEN_CODES.has(error.code) || error.code === "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED" || error.code === "OAUTH_JWT_USERINFO_EXPECTED")) {
    const claim = findClaim(error);
    return new IdentityError("ERR_LOGIN_USERINFO", "The identity provider's userinfo answer failed validation.", {
      field: claim === undefined ? "userinfo" : `userinfo.${claim}`, cause: safeCause(error),
    });
  }
  return failed(error);
}

function failed(error: unknown): IdentityError {
  return new IdentityError("ERR_LOGIN_FAILED", "The login could not be completed with the identity provider; try again later.", { cause: safeCause(error) });
}

/** Name, code and message of an error, down its cause chain, without any attached data. */
export function safeCause(error: unknown, depth = 0): Error | undefined {
  if (!(error instanceof Error) || depth > 3) return undefined;
  const code = (error as { code?: unknown }).code;
  const copy = new Error(`${error.name}${typeof code === "string" ? ` [${code}]` : ""}: ${error.message}`,
    { cause: safeCause(error.cause, depth + 1) });
  return copy;
}

function safeWord(value: unknown): string {
  return typeof value === "string" && /^[a-z_]{1,64}$/.test(value) ? value : "unknown";
}

/** The claim oauth4webapi names in its error causes (`{ claim: "aud", ... }`), if any. */
function findClaim(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== null && typeof current === "object" && depth < 5; depth++) {
    const claim = (current as { claim?: unknown }).claim;
    if (typeof claim === "string" && /^[a-z_]{1,32}$/.test(claim)) return claim;
    const attribute = (current as { attribute?: unknown }).attribute;
    if (typeof attribute === "string" && /^[a-z_]{1,32}$/.test(attribute)) return attribute;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
