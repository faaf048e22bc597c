import { createHmac, generateKeyPair, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import express from "express";
import Provider, { type Configuration, interactionPolicy } from "oidc-provider";
import { DEMO_CITIZENS, type DemoCitizen, findCitizen } from "./citizens.js";
import { interactionRoutes } from "./interactions.js";
import { PAGE_SECURITY_HEADERS, renderErrorPage } from "./login-page.js";

// A FranceConnect look-alike for development, demonstrations and tests ONLY. It speaks the
// same protocol as FranceConnect v2 (authorization code + PKCE, state, nonce, acr eidas1,
// per-claim scopes, pairwise subjects, signed ID token and userinfo) so that the relying
// party runs unchanged against either. Everything lives in memory and dies with stop().

export interface DevClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  /** Shown on the login page. */
  client_name?: string;
}

export interface DevIdentityProviderOptions {
  /** Loopback by default: the dev provider is never meant to face a network. */
  host?: string;
  /** 0 picks a free port; the issuer then names the port actually bound. */
  port: number;
  clients: readonly DevClient[];
  /** Environment checked for production mode; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Key of the pairwise subjects; random per start unless given (give one to keep the
   * same subjects, hence the same voter keys, across restarts). */
  pairwiseSalt?: Uint8Array;
  citizens?: readonly DemoCitizen[];
  /** Level of assurance granted at login; null grants none (tests use it to play a
   * provider that does not meet the relying party's policy). */
  acr?: string | null;
}

export interface DevIdentityProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** FranceConnect's scopes are claim names: one scope per identity attribute. */
export const DEV_SCOPES = [
  "given_name", "family_name", "birthdate", "birthplace", "birthcountry", "gender", "preferred_username", "email",
] as const;

export class DevIdentityProviderRefused extends Error {
  readonly code = "ERR_DEV_IDP_IN_PRODUCTION";
  constructor() {
    super("The development identity provider refuses to start in production (NODE_ENV or URNE_ENV is \"production\"): "
      + "configure the real FranceConnect instead (docs/IDENTITY.md).");
    this.name = "DevIdentityProviderRefused";
  }
}

/** Throws when the environment says production: demo citizens must never vote for real. */
export function assertNotProduction(env: Readonly<Record<string, string | undefined>>): void {
  if (env.NODE_ENV === "production" || env.URNE_ENV === "production") throw new DevIdentityProviderRefused();
}

export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  assertNotProduction(options.env ?? process.env);
  if (options.clients.length === 0) throw new TypeError("startDevIdentityProvider: at least one client is required");
  const host = options.host ?? "127.0.0.1";
  const citizens = options.citizens ?? DEMO_CITIZENS;
  const acr = options.acr === undefined ? "eidas1" : options.acr;
  const salt = options.pairwiseSalt ?? randomBytes(32);

  // Bind first, so that port 0 works and the issuer names the real port. Until the
  // provider is built, a request is answered 503 at once rather than left without a handler.
  let handle: http.RequestListener = (_req, res) => {
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "1" }).end("starting");
  };
  const server = http.createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  try {
    const { port } = server.address() as AddressInfo;
    const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    const provider = new Provider(issuer, await configuration({ clients: options.clients, citizens, acr, salt }));

    const app = express();
    app.disable("x-powered-by");
    app.use("/interaction", interactionRoutes(provider, { citizens, acr }));
    app.use(provider.callback());
    handle = app;
    return { issuer, stop: () => close(server) };
  } catch (error) {
    await close(server);
    throw error;
  }
}

async function configuration(params: {
  clients: readonly DevClient[];
  citizens: readonly DemoCitizen[];
  acr: string | null;
  salt: Uint8Array;
}): Promise<Configuration> {
  // Signing key made at each start, kept in memory only: nothing to commit, nothing to leak.
  const { privateKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "RS256", use: "sig" };

  // Always ask who is logging in, even within a provider session: demos switch citizens.
  const policy = interactionPolicy.base();
  policy.get("login")?.checks.add(new interactionPolicy.Check(
    "dev_choose_citizen",
    "a demo citizen is chosen at every login",
    (ctx) => (ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT),
  ));

  return {
    clients: params.clients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      client_name: client.client_name ?? client.client_id,
      redirect_uris: [...client.redirect_uris],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
      // Pairwise: the sector is the redirect URIs' host, so two services get two subjects.
      subject_type: "pairwise",
      id_token_signed_response_alg: "RS256",
      userinfo_signed_response_alg: "RS256",
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: {
      acr: null,
      auth_time: null,
      openid: ["sub"],
      ...Object.fromEntries(DEV_SCOPES.map((scope) => [scope, [scope]])),
    },
    scopes: ["openid"],
    acrValues: params.acr === null ? [] : [params.acr],
    subjectTypes: ["pairwise"],
    pairwiseIdentifier: async (_ctx, accountId, client) =>
      createHmac("sha256", params.salt).update(`${client.sectorIdentifier ?? ""}|${accountId}`).digest("hex"),
    findAccount: async (_ctx, id) => {
      const citizen = findCitizen(id, params.citizens);
      if (citizen === undefined) return undefined;
      return {
        accountId: citizen.id,
        // oidc-provider filters these down to what the grant allows, and swaps `sub` for
        // the pairwise value.
        claims: async () => ({
          sub: citizen.id,
          ...Object.fromEntries(DEV_SCOPES.map((claim) => [claim, citizen[claim]])),
        }),
      };
    },
    responseTypes: ["code"],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: false },
      introspection: { enabled: false },
    },
    // Short lives, as at FranceConnect: a code is redeemed within seconds of the redirect.
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 60,
      IdToken: 60,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy,
    },
    clientBasedCORS: () => false,
    renderError: async (ctx, out) => {
      ctx.set(PAGE_SECURITY_HEADERS);
      ctx.type = "html";
      ctx.body = renderErrorPage(`${out.error}${out.error_description ? ` : ${out.error_description}` : ""}`);
    },
  };
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections (fetch keeps them) would hold close() open until they time out.
    server.closeAllConnections();
  });
}
