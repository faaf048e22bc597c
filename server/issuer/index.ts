export type { BallotDirectory, IssuableBallot } from "./ballot-directory.js";
export { IssuerError, type IssuerErrorCode, isIssuerError } from "./errors.js";
export { type IssuedToken, type Issuer, type IssuerDeps, type IssueTokenParams, createIssuer } from "./issuer.js";
export type { LoginMessage } from "./login-page.js";
export type { WidgetLoginAttempt } from "./login-routes.js";
export { type OriginPolicy, canonicalOrigin } from "./origin-policy.js";
export { DEFAULT_ISSUER_RATE_LIMITS, type IssuerRateLimits, type IssuerRouterDeps, issuerRouter } from "./routes.js";
export { type LedgerDatabase, type RecordOutcome, TokenLedger } from "./token-ledger.js";
