// The ONE place where the API is assembled: every router, in order, then the one error
// handler (http-errors.ts). Routers written elsewhere (issuer: token issuance and login;
// relay: vote submission) are handed in already built, so this file needs none of their
// dependencies.
import express, { type Express, type Router } from "express";
import type { AppRegistry } from "../apps/app-registry.js";
import type { BallotChain } from "../ballots/ballot-chain.js";
import type { BallotService } from "../ballots/ballot-service.js";
import { ballotRoutes, type LogFn } from "./ballot-routes.js";
import { ceremonyRoutes } from "./ceremony-routes.js";
import type { CeremonyRegistry } from "../ceremonies/ceremony-registry.js";
import { errorHandler, notFound } from "../http/http-errors.js";
import type { PublicReads } from "../http/public-reads.js";
import { publicRoutes, type WellKnownConfig } from "./public-routes.js";
import type { StoreHealth } from "../store/durable-level.js";

export type ApiDeps = {
  apps: AppRegistry;
  ballots: BallotService;
  ceremonies: CeremonyRegistry;
  chain: BallotChain;
  wellKnown: WellKnownConfig;
  log: LogFn;
  /** Routers of the issuer and the relay, mounted after the API's own. */
  routers?: Router[];
  bodyLimitBytes?: number;
  /** express `trust proxy` (stack-options.ts trustProxy); false unless behind a known proxy. */
  trustProxy?: false | number | string[];
  /** The API store's health (GET /health); a store that cannot be written makes the API degraded. */
  storeHealth: () => StoreHealth;
  /** The clients' budget of public reads, shared with the widget's routes (server/http/public-reads.ts). */
  reads: PublicReads;
};

export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy ?? false);
  app.set("etag", false);
  app.use((_req, res, next) => {
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    next();
  });
  app.use(publicRoutes(deps.apps, deps.ballots, deps.chain, deps.wellKnown, deps.storeHealth, deps.reads));
  app.use(ballotRoutes(deps.apps, deps.ballots, deps.log, deps.bodyLimitBytes));
  app.use(ceremonyRoutes(deps.apps, deps.ceremonies, deps.log, deps.bodyLimitBytes));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
