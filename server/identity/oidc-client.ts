import * as oidc from "openid-client";
import { IdentityError } from "./errors.js";
import type { LoginAttempt } from "./login-attempts.js";
import { mapGrantError, mapUserInfoError, safeCause } from "./oidc-errors.js";

/** The identity the API learns at login. Only `voterKey(issuer, subject)` and the birthdate
 * outlive the request; names are for the confirmation screen and are never stored. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD. */
  birthdate: string;
  acr: string;
}

export interface IdentityClientOptions {
  /** The provider's issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`. */
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  /** Exactly as registered at the provider. */
  redirectUri: string;
  /** Allows http, for the embedded dev provider only: refused unless the issuer is loopback. */
  allowInsecureHttp?: boolean;
  /** Minimum level of assurance; FranceConnect's is `eidas1`. */
  acr?: string;
  scopes?: readonly string[];
  /** Signature algorithm of ID tokens and userinfo answers (FranceConnect v2: ES256 or RS256,
   * chosen in the partner space). */
  signingAlg?: string;
  loginTtlSeconds?: number;
  /** Replaces the HTTP client: tests play a hostile network through it. */
  fetch?: oidc.CustomFetch;
  /** Clock in epoch ms, replaceable in tests (attempt expiry only; JWT times use the real clock). */
  now?: () => number;
}

export interface IdentityClient {
  /** Starts a login: the caller stores `attempt` server-side (keyed by its state) and
   * redirects the browser to `authorizationUrl`. */
  beginLogin(): Promise<{ authorizationUrl: string; attempt: LoginAttempt }>;
  /** Finishes a login from the URL the provider redirected to. */
  completeLogin(callbackUrl: URL, attempt: LoginAttempt): Promise<VerifiedIdentity>;
}

export const DEFAULT_SCOPES = ["openid", "given_name", "family_name", "birthdate"] as const;
export const DEFAULT_ACR = "eidas1";
export const LOGIN_TTL_SECONDS = 600;
const HTTP_TIMEOUT_SECONDS = 10;
const BIRTHDATE = /^\d{4}-\d{2}-\d{2}$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function createIdentityClient(options: IdentityClientOptions): IdentityClient {
  const acr = options.acr ?? DEFAULT_ACR;
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  const signingAlg = options.signingAlg ?? "RS256";
  const ttlMs = (options.loginTtlSeconds ?? LOGIN_TTL_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const issuerUrl = new URL(options.discoveryUrl);
  const redirectUri = new URL(options.redirectUri);
  if (!scopes.includes("openid")) throw new TypeError("createIdentityClient: scopes must include openid");
  if (issuerUrl.protocol !== "https:") {
    if (!options.allowInsecureHttp) throw new TypeError("createIdentityClient: the issuer must use https");
    // An http issuer is only ever the embedded dev provider: never let a setting reach a
    // real network in clear text.
    if (!LOOPBACK.has(issuerUrl.hostname)) {
      throw new TypeError("createIdentityClient: allowInsecureHttp is for a loopback dev provider only");
    }
  }

  // Discovered once, on first use, so the API may start before the provider; a failed
  // discovery is forgotten so that the next login retries it.
  let configuration: Promise<oidc.Configuration> | undefined;
  const configure = (): Promise<oidc.Configuration> => {
    configuration ??= discover().catch((error: unknown) => {
      configuration = undefined;
      throw new IdentityError("ERR_LOGIN_FAILED", "The identity provider cannot be reached; try again later.", { cause: safeCause(error) });
    });
    return configuration;
  };
  const discover = async (): Promise<oidc.Configuration> => {
    const config = await oidc.discovery(
      issuerUrl,
      options.clientId,
      {
        redirect_uris: [redirectUri.href],
        response_types: ["code"],
        id_token_signed_response_alg: signingAlg,
        // FranceConnect v2 signs its userinfo answers; requiring it means an unsigned
        // (hence unverifiable) answer is refused.
        userinfo_signed_response_alg: signingAlg,
      },
      oidc.ClientSecretPost(options.clientSecret),
      {
        execute: options.allowInsecureHttp ? [oidc.allowInsecureRequests] : [],
        timeout: HTTP_TIMEOUT_SECONDS,
        ...(options.fetch ? { [oidc.customFetch]: options.fetch } : {}),
      },
    );
    if (options.fetch) config[oidc.customFetch] = options.fetch;
    return config;
  };

  return {
    async beginLogin() {
      const config = await configure();
      const attempt: LoginAttempt = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        expiresAt: now() + ttlMs,
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri.href,
        scope: scopes.join(" "),
        state: attempt.state,
        nonce: attempt.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
        code_challenge_method: "S256",
        acr_values: acr,
      });
      return { authorizationUrl: url.href, attempt };
    },

    async completeLogin(callbackUrl, attempt) {
      // Cheap local checks first: no network call for a stale or forged callback.
      if (!(now() < attempt.expiresAt)) {
        throw new IdentityError("ERR_LOGIN_EXPIRED", "This login took too long; start again.", { field: "state" });
      }
      if (callbackUrl.searchParams.get("state") !== attempt.state) {
        throw new IdentityError("ERR_LOGIN_STATE_MISMATCH", "This login answer does not belong to this login; start again.", { field: "state" });
      }
      const denied = callbackUrl.searchParams.get("error");
      if (denied !== null) {
        // Only a code from the standard vocabulary is kept: the value comes from the URL.
        const error = /^[a-z_]{1,64}$/.test(denied) ? denied : "unknown";
        throw new IdentityError("ERR_LOGIN_DENIED", "The identity provider did not complete the login.", { field: "error", details: { error } });
      }
      const config = await configure();
      // Rebuild the callback on the configured redirect URI: the token request must name
      // the registered URI, whatever Host header or proxy the request came through.
      const current = new URL(redirectUri.href);
      for (const [name, value] of callbackUrl.searchParams) current.searchParams.append(name, value);

      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        // openid-client checks state, PKCE, and the ID token: signature, iss, aud, azp,
        // exp/iat, nonce.
        tokens = await oidc.authorizationCodeGrant(config, current, {
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          pkceCodeVerifier: attempt.codeVerifier,
          idTokenExpected: true,
        });
      } catch (error) {
        throw mapGrantError(error);
      }
      const claims = tokens.claims();
      if (claims === undefined) {
        throw new IdentityError("ERR_LOGIN_ID_TOKEN", "The identity provider sent no ID token.", { field: "id_token" });
      }
      // The level of assurance is ours to check: openid-client does not know our policy.
      if (typeof claims.acr !== "string" || !acrSatisfies(claims.acr, acr)) {
        throw new IdentityError("ERR_LOGIN_ACR", `This login's level of assurance is not enough (${acr} is required).`, {
          field: "id_token.acr", details: { required: acr },
        });
      }

      let info: oidc.UserInfoResponse;
      try {
        // Passing the ID token's subject makes openid-client refuse a userinfo answer about
        // someone else (token substitution).
        info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      } catch (error) {
        throw mapUserInfoError(error);
      }
      return {
        issuer: config.serverMetadata().issuer,
        subject: claims.sub,
        givenName: requireString(info, "given_name"),
        familyName: requireString(info, "family_name"),
        birthdate: requireString(info, "birthdate", BIRTHDATE),
        acr: claims.acr,
      };
    },
  };
}

/** eIDAS levels are ordered (eidas1 < eidas2 < eidas3); any other value must match exactly. */
export function acrSatisfies(actual: string, required: string): boolean {
  const level = (value: string): number | undefined => {
    const match = /^eidas([1-3])$/.exec(value);
    return match === null ? undefined : Number(match[1]);
  };
  const [have, need] = [level(actual), level(required)];
  return have !== undefined && need !== undefined ? have >= need : actual === required;
}

function requireString(info: oidc.UserInfoResponse, claim: string, pattern?: RegExp): string {
  const value = info[claim];
  if (typeof value !== "string" || value.length === 0 || (pattern !== undefined && !pattern.test(value))) {
    throw new IdentityError("ERR_LOGIN_USERINFO", `The identity provider did not send a valid "${claim}".`, { field: `userinfo.${claim}` });
  }
  return value;
}
