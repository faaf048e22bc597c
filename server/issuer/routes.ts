import { Router } from "express";
import { LoginAttemptStore } from "../identity/login-attempts.js";
import type { IdentityClient } from "../identity/oidc-client.js";
import { SESSION_TOKEN_TTL_SECONDS } from "../identity/session-token.js";
import { VOTER_KEY_SECRET_MIN_BYTES } from "../identity/voter-key.js";
import type { BallotDirectory } from "./ballot-directory.js";
import { createIssuer } from "./issuer.js";
import { type WidgetLoginAttempt, loginRoutes } from "./login-routes.js";
import type { OriginPolicy } from "./origin-policy.js";
import { type RateLimit, RateLimiter } from "../http/rate-limiter.js";
import type { TokenLedger } from "./token-ledger.js";
import { tokenRoutes } from "./token-routes.js";

/** Everything the issuer's routes need; the API core builds it once at start-up. */
export interface IssuerRouterDeps {
  /** createIdentityClient(...), its `redirectUri` = `<public API URL>/v1/login/callback`. */
  identity: IdentityClient;
  /** Which origins may log citizens in and ask for tokens: the vote host's own widget frame only (server/api/api-service.ts). */
  originPolicy: OriginPolicy;
  /** The ballots, with their issuer keys and rules (server/ballots). */
  ballots: BallotDirectory;
  /** new TokenLedger(<a LevelDB sublevel of the API store>). */
  ledger: TokenLedger;
  /** HMAC key of voter keys (>= 32 random bytes, never logged; change it during no open ballot). */
  voterKeySecret: Uint8Array;
  /** Session-token key (exactly 32 random bytes, never logged). */
  sessionKey: Uint8Array;
  /** Session lifetime; 10 minutes by default. */
  sessionTtlSeconds?: number;
  /** Pending logins; a private in-memory store by default. */
  loginAttempts?: LoginAttemptStore<WidgetLoginAttempt>;
  /** Token buckets; see DEFAULT_ISSUER_RATE_LIMITS. */
  rateLimits?: Partial<IssuerRateLimits>;
  /** Structured log sink; receives codes and event names only. */
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** Clock for the ballot schedule, replaceable in tests. */
  now?: () => Date;
}

export interface IssuerRateLimits {
  /** GET /v1/login, per client IP. */
  loginPerIp: RateLimit;
  /** POST tokens, per client IP (generous: a school or a company is one NAT address). */
  issuancePerIp: RateLimit;
  /** POST tokens, per voter key (a voter needs one request per ballot, a few retries). */
  issuancePerVoter: RateLimit;
}

export const DEFAULT_ISSUER_RATE_LIMITS: Readonly<IssuerRateLimits> = Object.freeze({
  loginPerIp: { capacity: 30, refillMs: 2_000 },
  issuancePerIp: { capacity: 120, refillMs: 500 },
  issuancePerVoter: { capacity: 10, refillMs: 6_000 },
});

/**
 * The issuer's HTTP surface: login popup (GET /v1/login, GET /v1/login/callback) and token
 * issuance (POST /v1/ballots/:id/tokens, with its CORS preflight). Mount it on the app
 * BEFORE the app's error handler (server/http/http-errors.ts), which answers the JSON errors
 * of the token route. It parses its own JSON body and sets its own CORS headers.
 */
export function issuerRouter(deps: IssuerRouterDeps): Router {
  if (deps.voterKeySecret.byteLength < VOTER_KEY_SECRET_MIN_BYTES) throw new TypeError("issuerRouter: voterKeySecret is too short");
  if (deps.sessionKey.byteLength !== 32) throw new TypeError("issuerRouter: sessionKey must be 32 bytes");
  const limits = { ...DEFAULT_ISSUER_RATE_LIMITS, ...deps.rateLimits };
  const log = deps.log ?? (() => {});
  const issuer = createIssuer({ ballots: deps.ballots, ledger: deps.ledger, sessionKey: deps.sessionKey, ...(deps.now ? { now: deps.now } : {}) });

  const router = Router();
  router.use(loginRoutes({
    identity: deps.identity,
    attempts: deps.loginAttempts ?? new LoginAttemptStore<WidgetLoginAttempt>(),
    originPolicy: deps.originPolicy,
    voterKeySecret: deps.voterKeySecret,
    sessionKey: deps.sessionKey,
    sessionTtlSeconds: deps.sessionTtlSeconds ?? SESSION_TOKEN_TTL_SECONDS,
    loginPerIp: new RateLimiter(limits.loginPerIp),
    log,
  }));
  router.use(tokenRoutes({
    issuer,
    originPolicy: deps.originPolicy,
    issuancePerIp: new RateLimiter(limits.issuancePerIp),
    issuancePerVoter: new RateLimiter(limits.issuancePerVoter),
    log,
  }));
  return router;
}
