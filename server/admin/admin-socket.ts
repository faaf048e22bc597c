// The operator's channel into a RUNNING service: an HTTP server on a Unix socket in the
// data directory (`<data>/admin.sock`). LevelDB allows one process per store, so `urne app`
// cannot open the store while `urne start` holds it; through this socket it asks the
// running process instead, and a new app works at once (no restart, no stale cache).
// Who may use it is decided by the file system: the data directory is 0700 and the socket
// 0600, the same people who can read the store and its secrets. It never listens on TCP.
import { chmod, rm } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import express from "express";
import type { AppRegistry } from "../apps/app-registry.js";
import { errorHandler, notFound } from "../http/http-errors.js";
import { jsonBody } from "../http/json-body.js";

export const ADMIN_SOCKET_FILE = "admin.sock";
/** sun_path holds 108 bytes on Linux: a longer data directory gets no socket (logged). */
const MAX_SOCKET_PATH = 100;

export function adminSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), ADMIN_SOCKET_FILE);
}

export type AdminSocket = { path: string; stop(): Promise<void> };

/** Routes: POST /apps {name, origins}, GET /apps, POST /apps/:id/revoke (scripts/urne-app.ts). */
function adminApp(apps: AppRegistry, log: (event: string, fields: Record<string, unknown>) => void) {
  const app = express();
  app.disable("x-powered-by");
  app.post("/apps", ...jsonBody(), async (req, res) => {
    const body = (req.body ?? {}) as { name?: unknown; origins?: unknown };
    const created = await apps.create({ name: body.name, origins: body.origins });
    log("admin.app_created", { appId: created.app.id }); // never the key
    res.status(201).json(created);
  });
  app.get("/apps", async (_req, res) => {
    res.json({ apps: await apps.list() });
  });
  app.post("/apps/:id/revoke", async (req, res) => {
    const revoked = await apps.revoke(String(req.params.id));
    log("admin.app_revoked", { appId: revoked.id });
    res.json({ app: revoked });
  });
  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}

export async function startAdminSocket(dataDir: string, apps: AppRegistry, log: (event: string, fields: Record<string, unknown>) => void): Promise<AdminSocket | undefined> {
  const socketPath = adminSocketPath(dataDir);
  if (socketPath.length > MAX_SOCKET_PATH) {
    log("admin.socket_skipped", { reason: "data directory path too long for a Unix socket; stop the service to run `urne app`" });
    return undefined;
  }
  // We hold the store's lock, so no other live process owns a socket here: a file left
  // by a killed process is stale.
  await rm(socketPath, { force: true });
  const server = http.createServer(adminApp(apps, log));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  return {
    path: socketPath,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }).then(() => rm(socketPath, { force: true })),
  };
}
