import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { Level } from "level";
import { type DevIdentityProvider, startDevIdentityProvider } from "../../../idp/provider.js";
import { errorHandler, notFound } from "../../../server/http/http-errors.js";
import type { LoginAttemptStore } from "../../../server/identity/login-attempts.js";
import { type IdentityClient, createIdentityClient } from "../../../server/identity/oidc-client.js";
import type { WidgetLoginAttempt } from "../../../server/issuer/login-routes.js";
import { type IssuerRateLimits, issuerRouter } from "../../../server/issuer/routes.js";
import { TokenLedger } from "../../../server/issuer/token-ledger.js";
import { MemoryBallots } from "./memory-ballots.js";

// The issuer's routes in a real express app on 127.0.0.1, against the real embedded
// provider and a real LevelDB in a temporary directory. The API server is bound first so
// that its callback URL (with the real port) can be registered at the provider.

export const WIDGET_A = "https://mavoix.example.org";
export const WIDGET_B = "https://autre-widget.example.net";
export const NOT_ALLOWED = "https://evil.example.com";


export interface IssuerFixtureOptions {
  rateLimits?: Partial<IssuerRateLimits>;
  sessionTtlSeconds?: number;
  /** The pending logins (default: the router's own). */
  loginAttempts?: LoginAttemptStore<WidgetLoginAttempt>;
  /** express `trust proxy`: "loopback" lets a test speak for many clients with X-Forwarded-For. */
  trustProxy?: string;
}

export interface IssuerFixture {
  api: string;
  redirectUri: string;
  provider: DevIdentityProvider;
  /** A relying party with the same client as the router (same pairwise subjects). */
  identity: IdentityClient;
  ballots: MemoryBallots;
  ledger: TokenLedger;
  db: Level<string, string>;
  dbDir: string;
  sessionKey: Uint8Array;
  logs: { event: string; fields: Record<string, unknown> }[];
  /** Widget B's organizer's ballots: B may request tokens for these only (A for all). */
  widgetBBallots: Set<bigint>;
  stop(): Promise<void>;
}

const GENEROUS: IssuerRateLimits = {
  loginPerIp: { capacity: 1000, refillMs: 1 },
  issuancePerIp: { capacity: 1000, refillMs: 1 },
  issuancePerVoter: { capacity: 1000, refillMs: 1 },
};

export async function startIssuerFixture(options: IssuerFixtureOptions = {}): Promise<IssuerFixture> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${api}/v1/login/callback`;
  const client = { client_id: "urne-issuer-test", client_secret: randomBytes(32).toString("base64url"), redirect_uris: [redirectUri] };
  const provider = await startDevIdentityProvider({ port: 0, clients: [client], env: {} });
  const identity = createIdentityClient({
    discoveryUrl: provider.issuer, clientId: client.client_id, clientSecret: client.client_secret, redirectUri, allowInsecureHttp: true,
  });
  const dbDir = await mkdtemp(join(tmpdir(), "urne-issuer-"));
  const db = new Level<string, string>(dbDir);
  await db.open();
  // A sublevel, as the API store will hand it over.
  const ledger = new TokenLedger(db.sublevel("tokens"));
  const ballots = new MemoryBallots();
  const sessionKey = randomBytes(32);
  const logs: IssuerFixture["logs"] = [];
  const widgetBBallots = new Set<bigint>();
  const log = (event: string, fields: Record<string, unknown>) => logs.push({ event, fields });

  const app = express();
  if (options.trustProxy !== undefined) app.set("trust proxy", options.trustProxy);
  app.use(issuerRouter({
    identity,
    // A serves every ballot; B only those of its organizer, when a ballot is named.
    originPolicy: {
      isAllowed: async (origin, ballotId) => origin === WIDGET_A || (origin === WIDGET_B && (ballotId === undefined || widgetBBallots.has(ballotId))),
    },
    ballots,
    ledger,
    voterKeySecret: randomBytes(32),
    sessionKey,
    rateLimits: { ...GENEROUS, ...options.rateLimits },
    log,
    ...(options.sessionTtlSeconds === undefined ? {} : { sessionTtlSeconds: options.sessionTtlSeconds }),
    ...(options.loginAttempts === undefined ? {} : { loginAttempts: options.loginAttempts }),
  }));
  app.use(notFound);
  app.use(errorHandler(log));
  server.on("request", app);

  return {
    api, redirectUri, provider, identity, ballots, ledger, db, dbDir, sessionKey, logs, widgetBBallots,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.stop();
      if (db.status === "open") await db.close();
      await rm(dbDir, { recursive: true, force: true });
    },
  };
}
