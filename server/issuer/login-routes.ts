import { Router } from "express";
import { UrneError } from "../../protocol/errors.js";
import { statusForCode } from "../http/http-errors.js";
import { type LoginAttempt, type LoginAttemptStore, LoginRefusedError } from "../identity/login-attempts.js";
import type { IdentityClient } from "../identity/oidc-client.js";
import { issueSessionToken } from "../identity/session-token.js";
import { voterKey } from "../identity/voter-key.js";
import { IssuerError } from "./errors.js";
import { type LoginLang, sendErrorPage, sendLoginResult } from "./login-page.js";
import { type OriginPolicy, canonicalOrigin } from "./origin-policy.js";
import { clientAddress, clientNetwork } from "../http/client-address.js";
import { RateLimitedError, type RateLimiter } from "../http/rate-limiter.js";

/** A pending login, kept server-side: the OIDC attempt plus the widget origin it is for. */
export interface WidgetLoginAttempt extends LoginAttempt {
  /** Canonical origin of the widget that opened the popup: postMessage target and JWT audience. */
  readonly origin: string;
  /** The widget's language: the return page speaks it. */
  readonly lang: LoginLang;
}

export interface LoginRoutesDeps {
  identity: IdentityClient;
  attempts: LoginAttemptStore<WidgetLoginAttempt>;
  originPolicy: OriginPolicy;
  voterKeySecret: Uint8Array;
  sessionKey: Uint8Array;
  sessionTtlSeconds: number;
  loginPerIp: RateLimiter;
  log: (event: string, fields: Record<string, unknown>) => void;
}

/** ?lang: "fr" (default) or "en"; anything else is refused, naming the parameter. */
function loginLang(value: unknown): LoginLang {
  if (value === undefined || value === "fr") return "fr";
  if (value === "en") return "en";
  throw new IssuerError("ERR_INVALID_QUERY", "lang must be fr or en.", { field: "lang" });
}

/**
 * GET /v1/login?origin=<widget origin>&lang=fr|en, opened by the widget as a top-level popup (first
 * party: works with third-party cookies blocked), and GET /v1/login/callback, where the
 * provider sends the citizen back. Both answer pages, never JSON: a popup shows them.
 */
export function loginRoutes(deps: LoginRoutesDeps): Router {
  const router = Router();

  router.get("/v1/login", async (req, res) => {
    let lang: LoginLang | undefined;
    try {
      lang = loginLang(req.query.lang);
      // One client: an IPv4 address, an IPv6 /64 (client-address.ts). Memory only, never logged.
      const client = clientNetwork(clientAddress(req));
      deps.loginPerIp.take(client);
      const origin = await allowedOrigin(deps.originPolicy, req.query.origin);
      const { authorizationUrl, attempt } = await deps.identity.beginLogin();
      // The verifier stays here; the browser only carries `state` through the provider.
      // Refused (429, 503) rather than pushing out another client's pending login.
      deps.attempts.put({ ...attempt, origin, lang }, client);
      res.set({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" }).redirect(303, authorizationUrl);
    } catch (error) {
      const coded = toCoded(error, deps.log);
      if (coded instanceof RateLimitedError || coded instanceof LoginRefusedError) res.set("Retry-After", String(coded.retryAfterSeconds));
      deps.log("issuer.login_refused", { code: coded.code });
      sendErrorPage(res, statusForCode(coded.code), coded.message, lang);
    }
  });

  router.get("/v1/login/callback", async (req, res) => {
    // take() deletes: a replayed callback (same state) finds nothing, before any network call.
    const attempt = deps.attempts.take(typeof req.query.state === "string" ? req.query.state : undefined);
    if (attempt === undefined) {
      // No attempt, no known widget origin: nobody to postMessage to.
      deps.log("issuer.login_refused", { code: "ERR_LOGIN_EXPIRED" });
      sendErrorPage(res, statusForCode("ERR_LOGIN_EXPIRED"), "this sign-in expired or was already used.");
      return;
    }
    try {
      // Re-asked: the organizer may have removed the origin while the citizen logged in.
      await allowedOrigin(deps.originPolicy, attempt.origin);
      // Only the query matters: completeLogin rebuilds the URL on the configured redirect URI.
      const identity = await deps.identity.completeLogin(new URL(req.originalUrl, "http://callback.invalid"), attempt);
      const issuedAt = new Date();
      const session = await issueSessionToken({
        key: deps.sessionKey,
        audience: attempt.origin,
        voterKey: voterKey(deps.voterKeySecret, identity.issuer, identity.subject),
        birthdate: identity.birthdate,
        ttlSeconds: deps.sessionTtlSeconds,
        now: issuedAt,
      });
      deps.log("issuer.login_completed", {});
      sendLoginResult(res, 200, attempt.origin, {
        type: "urne:login",
        ok: true,
        session,
        expiresAt: Math.floor(issuedAt.getTime() / 1000) + deps.sessionTtlSeconds,
        // Names go to the widget's confirmation screen through this page only: they are in
        // no token, no store and no log.
        voter: { givenName: identity.givenName, familyName: identity.familyName, birthdate: identity.birthdate },
      }, attempt.lang);
    } catch (error) {
      const coded = toCoded(error, deps.log);
      deps.log("issuer.login_refused", { code: coded.code });
      sendLoginResult(res, statusForCode(coded.code), attempt.origin, {
        type: "urne:login", ok: false, error: { code: coded.code, message: coded.message },
      }, attempt.lang);
    }
  });

  return router;
}

async function allowedOrigin(policy: OriginPolicy, value: unknown): Promise<string> {
  const origin = canonicalOrigin(value);
  if (!(await policy.isAllowed(origin))) {
    throw new IssuerError("ERR_ORIGIN_NOT_ALLOWED", "This site may not open a voting session.", { field: "origin" });
  }
  return origin;
}

/** Coded errors pass; anything else is our bug, logged by name only (no identity in it). */
function toCoded(error: unknown, log: LoginRoutesDeps["log"]): UrneError {
  if (error instanceof UrneError) return error;
  log("issuer.internal_error", { error: error instanceof Error ? error.name : "unknown" });
  return new UrneError("ERR_INTERNAL", "erreur interne ; réessayez plus tard.");
}
