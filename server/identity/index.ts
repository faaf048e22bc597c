export { ELIGIBILITY_TIME_ZONE, type EligibilityIdentity, type EligibilityRules, ageOn, checkEligibility } from "./eligibility.js";
export { IdentityError, type IdentityErrorCode, type IdentityErrorOptions, isIdentityError } from "./errors.js";
export { LOGIN_ATTEMPT_MAX_PER_CLIENT, LOGIN_ATTEMPT_MAX_SIZE, LOGIN_ATTEMPT_TTL_MS, type LoginAttempt, LoginAttemptStore, type LoginAttemptStoreOptions, LoginRefusedError } from "./login-attempts.js";
export {
  DEFAULT_ACR,
  DEFAULT_SCOPES,
  type IdentityClient,
  type IdentityClientOptions,
  LOGIN_TTL_SECONDS,
  type VerifiedIdentity,
  acrSatisfies,
  createIdentityClient,
} from "./oidc-client.js";
export {
  SESSION_TOKEN_TTL_SECONDS,
  type SessionClaims,
  type VerifiedSession,
  issueSessionToken,
  verifySessionToken,
} from "./session-token.js";
export { VOTER_KEY_SECRET_MIN_BYTES, voterKey } from "./voter-key.js";
