// An HTTP server that answers from the moment it listens. Until `serve` hands it the app,
// every request gets 503 ERR_STARTING with Retry-After at once, and GET /health says what
// the service waits for (the chain's replay, its store): a port that accepts connections
// never leaves a request waiting for a handler that is not attached yet. The vote host and
// the relay use it; under `urne start` the supervisor holds their ports the same way until
// each process takes its socket over (server/supervisor/, `listenOn`).
import http from "node:http";
import type net from "node:net";
import { listen, type Listener } from "./listen.js";

export type StartingServer = Listener & {
  server: http.Server;
  /** From now on, every request goes to `handler`. */
  serve(handler: http.RequestListener): void;
};

export type StartingOptions = {
  host: string;
  port: number;
  /** A listening socket handed over by the supervisor: served instead of binding `port`. */
  listenOn?: net.Server;
  /** What GET /health adds while starting (what is awaited, how far). */
  progress?: () => Record<string, unknown>;
};

/** The answer of a service that is not serving yet; the supervisor's placeholder gives the same. */
export function startingAnswer(progress?: () => Record<string, unknown>): http.RequestListener {
  return (req, res) => {
    const headers = { "content-type": "application/json", "retry-after": "1", "cache-control": "no-store" };
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(503, headers).end(JSON.stringify({ status: "starting", ...progress?.() }));
      return;
    }
    res.writeHead(503, headers).end(JSON.stringify({ error: { code: "ERR_STARTING", message: "The service is starting; try again in a moment." } }));
  };
}

export async function listenStarting(opts: StartingOptions): Promise<StartingServer> {
  let handle = startingAnswer(opts.progress);
  const server = http.createServer((req, res) => handle(req, res));
  server.requestTimeout = 30_000;
  const listener = await listen(server, opts.listenOn ?? opts.port, opts.host);
  return { ...listener, server, serve: (handler) => void (handle = handler) };
}
