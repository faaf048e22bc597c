// The chain's public door, HTTP side: JSON-RPC 2.0 envelopes, batches, and what each
// client may spend. What the methods do is chain-door.ts. docs/CHAIN.md §5.
// Every limit answers a JSON-RPC error with a code and a message (EIP-1474 -32005 for a
// limit of this node), never a dropped connection:
// - the body (maxBodyBytes: 413 then close, the one answer that is not JSON-RPC's own);
// - a batch's length (maxBatchLength) and the bytes of its answers together
//   (maxResponseBytes: the requests past the budget are answered -32005, not run);
// - per client address, a bucket of request units (clientBurst, clientUnitsPerSecond):
//   one unit a request, more for the costly ones (chain-door.ts charges them).
// It listens before the chain can answer (while the journal replays): until `serve` gives
// it the door, every request is answered at once, HTTP 503 with Retry-After and a
// JSON-RPC error saying how far the replay is, never left waiting. GET /health says the
// same at any time (docs/CHAIN.md §5).
import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import { clientNetwork } from "../http/client-address.js";
import { listen } from "../http/listen.js";
import { RateLimitedError, RateLimiter } from "../http/rate-limiter.js";
import type { RequestContext, RpcBackend } from "./chain-door.js";
import type { DoorLimits } from "./door-limits.js";
import { AnswerBudgetExceeded, RpcError, RPC_INTERNAL_ERROR, RPC_INVALID_REQUEST, RPC_LIMIT_EXCEEDED, RPC_PARSE_ERROR } from "./rpc-error.js";

/** What the node is doing, as GET /health answers it (and the 503s before it serves). */
export type ChainStatus =
  | { status: "starting" }
  | { status: "replaying"; replay: { block: number; of: number } }
  | { status: "ok"; head?: { number: number; hash: string }; journal?: { ok: boolean; error?: string } };

export type RpcFrontOptions = {
  /** The door; until given (here or by `serve`), every request is answered 503 with `status()`. */
  backend?: RpcBackend;
  /** What GET /health answers; 200 when its status is "ok" and the journal writable, else 503. */
  status?: () => ChainStatus;
  limits: Pick<DoorLimits, "maxBodyBytes" | "maxBatchLength" | "maxResponseBytes" | "clientBurst" | "clientUnitsPerSecond">;
  host?: string;
  port?: number;
  /**
   * Bearer tokens of the operator's own services (the API and the relay): their requests
   * are not charged to a bucket. Everything else still applies to them.
   */
  serviceTokens?: readonly string[];
  /** Proxy hops whose X-Forwarded-For is believed (URNE_CHAIN_TRUST_PROXY); 0: the TCP peer is the client. */
  trustProxyHops?: number;
  /** Structured log line; never receives a request body or an address. */
  log?: (event: string, fields: Record<string, unknown>) => void;
};

export type RpcFront = { url: string; port: number; close(): Promise<void>; serve(backend: RpcBackend): void };

/** EIP-1474: the resource asked for is not available (yet). */
const RPC_RESOURCE_UNAVAILABLE = -32002;

function notServing(status: ChainStatus): string {
  if (status.status === "replaying") return `the chain is replaying its journal (block ${status.replay.block} of ${status.replay.of}); retry shortly`;
  return "the chain is starting; retry shortly";
}

type JsonRpcId = string | number | null;
type JsonRpcResponse = { jsonrpc: "2.0"; id: JsonRpcId } & ({ result: unknown } | { error: { code: number; message: string; data?: unknown } });

const CORS_HEADERS = {
  // The verify page reads the chain straight from the browser, from any origin: the
  // front serves public data and public writes only, so there is nothing to protect.
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "86400",
};

const failure = (id: JsonRpcId, code: number, message: string, data?: unknown): JsonRpcResponse => ({
  jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data },
});

const size = (response: JsonRpcResponse) => Buffer.byteLength(JSON.stringify(response));

export async function startRpcFront(opts: RpcFrontOptions): Promise<RpcFront> {
  const { limits } = opts;
  const log = opts.log ?? (() => {});
  let backend = opts.backend;
  const status = opts.status ?? ((): ChainStatus => (backend ? { status: "ok" } : { status: "starting" }));
  const buckets = new RateLimiter({ capacity: limits.clientBurst, refillMs: 1000 / limits.clientUnitsPerSecond });
  const tokens = (opts.serviceTokens ?? []).map((t) => Buffer.from(t));

  function context(client: string | undefined, budgetBytes: number): RequestContext {
    return {
      budgetBytes,
      client,
      debit: (units) => {
        if (client !== undefined) buckets.debit(client, units);
      },
      charge: (units) => {
        if (client === undefined || units <= 0) return;
        try {
          buckets.take(client, units);
        } catch (error) {
          if (!(error instanceof RateLimitedError)) throw error;
          throw new RpcError(RPC_LIMIT_EXCEEDED, `rate limit: this client has spent its request units; retry in ${error.retryAfterSeconds} s`, { retryAfterSeconds: error.retryAfterSeconds });
        }
      },
    };
  }

  /** The answer, and whether it spent what was left of the byte budget. */
  async function handleOne(request: unknown, client: string | undefined, budgetBytes: number): Promise<JsonRpcResponse & { spent?: true }> {
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      return failure(null, RPC_INVALID_REQUEST, "invalid request: expected a JSON-RPC object");
    }
    const { jsonrpc, id, method, params } = request as Record<string, unknown>;
    const validId = typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) || id === null;
    // Notifications (no id) are refused: every method here has an answer worth reading.
    if (!validId) return failure(null, RPC_INVALID_REQUEST, "invalid request: id must be a string, a number or null");
    if (jsonrpc !== "2.0") return failure(id, RPC_INVALID_REQUEST, 'invalid request: jsonrpc must be "2.0"');
    if (typeof method !== "string") return failure(id, RPC_INVALID_REQUEST, "invalid request: method must be a string");
    if (params !== undefined && params !== null && !Array.isArray(params)) return failure(id, RPC_INVALID_REQUEST, "invalid request: params must be an array");
    try {
      const ctx = context(client, budgetBytes);
      ctx.charge(1);
      const response: JsonRpcResponse = { jsonrpc: "2.0", id, result: (await backend!(method, (params as unknown[] | null) ?? [], ctx)) ?? null };
      if (size(response) > budgetBytes) {
        const over = new AnswerBudgetExceeded(budgetBytes);
        return { ...failure(id, over.code, over.message, over.data), spent: true };
      }
      return response;
    } catch (error) {
      if (error instanceof AnswerBudgetExceeded) return { ...failure(id, error.code, error.message, error.data), spent: true };
      if (error instanceof RpcError) return failure(id, error.code, error.message, error.data);
      log("rpc.internal_error", { method, error: (error as Error).message });
      return failure(id, RPC_INTERNAL_ERROR, "internal error");
    }
  }

  async function handleBody(body: string, client: string | undefined): Promise<JsonRpcResponse | JsonRpcResponse[]> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return failure(null, RPC_PARSE_ERROR, "parse error: body is not JSON");
    }
    if (!Array.isArray(parsed)) {
      const { spent: _, ...response } = await handleOne(parsed, client, limits.maxResponseBytes);
      return response;
    }
    if (parsed.length === 0) return failure(null, RPC_INVALID_REQUEST, "invalid request: empty batch");
    if (parsed.length > limits.maxBatchLength) return failure(null, RPC_INVALID_REQUEST, `invalid request: batch longer than ${limits.maxBatchLength}`);
    // In order, one after the other: the EVM serves one call at a time anyway, and a batch
    // of sends must reach the mempool in the order the client wrote it. The answers share
    // one byte budget: once spent, the rest are refused without being run.
    const responses: JsonRpcResponse[] = [];
    let left = limits.maxResponseBytes;
    for (const request of parsed) {
      const id = (request as { id?: JsonRpcId })?.id ?? null;
      if (left <= 0) {
        responses.push(failure(id, RPC_LIMIT_EXCEEDED, `batch answer larger than ${limits.maxResponseBytes} bytes: this request was not run`, { limit: limits.maxResponseBytes }));
        continue;
      }
      const { spent, ...response } = await handleOne(request, client, left);
      left = spent ? 0 : left - size(response);
      responses.push(response);
    }
    return responses;
  }

  const isService = (req: http.IncomingMessage) => {
    const match = /^Bearer (.{16,512})$/.exec(req.headers.authorization ?? "");
    if (!match) return false;
    const given = Buffer.from(match[1]);
    return tokens.some((t) => t.length === given.length && timingSafeEqual(t, given));
  };

  const clientOf = (req: http.IncomingMessage): string => {
    const hops = opts.trustProxyHops ?? 0;
    const forwarded = String(req.headers["x-forwarded-for"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    // With N trusted proxies, the client is the N-th address from the right (each proxy appends its peer).
    // An IPv6 client counts as its /64 (whoever has one address has 2^64).
    return clientNetwork(hops > 0 && forwarded.length >= hops ? forwarded[forwarded.length - hops] : (req.socket.remoteAddress ?? "unknown"));
  };

  const server = http.createServer((req, res) => {
    const send = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
      const body = payload === undefined ? "" : JSON.stringify(payload);
      res.writeHead(status, { ...CORS_HEADERS, ...(payload === undefined ? {} : { "content-type": "application/json" }), ...extra });
      res.end(body);
    };
    if (req.method === "OPTIONS") return send(204);
    if (req.method === "GET" && req.url === "/health") {
      const now = status();
      return send(now.status === "ok" && now.journal?.ok !== false ? 200 : 503, now, { "cache-control": "no-store" });
    }
    if (req.method !== "POST") return send(405, failure(null, RPC_INVALID_REQUEST, "use POST"), { allow: "POST, OPTIONS" });
    if (!backend) {
      // Answered before the body is read: nothing of it is needed to say "not yet".
      const now = status();
      send(503, failure(null, RPC_RESOURCE_UNAVAILABLE, notServing(now), now), { "retry-after": "1" });
      return;
    }

    const tooLarge = () => {
      // Answer, then drop the connection rather than read an unbounded body.
      send(413, failure(null, RPC_INVALID_REQUEST, `request body larger than ${limits.maxBodyBytes} bytes`), { connection: "close" });
      res.once("finish", () => req.destroy());
    };
    if (Number(req.headers["content-length"] ?? 0) > limits.maxBodyBytes) return tooLarge();
    const client = isService(req) ? undefined : clientOf(req);
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > limits.maxBodyBytes) {
        refused = true;
        return tooLarge();
      }
      chunks.push(chunk);
    });
    req.on("error", () => {}); // a client that hangs up mid-body is not our problem
    req.on("end", () => {
      if (refused) return;
      handleBody(Buffer.concat(chunks).toString("utf8"), client).then(
        (response) => send(200, response),
        (error) => {
          log("rpc.internal_error", { error: (error as Error).message });
          send(500, failure(null, RPC_INTERNAL_ERROR, "internal error"));
        },
      );
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const listener = await listen(server, opts.port ?? 8545, opts.host ?? "127.0.0.1");
  return { url: listener.url, port: listener.port, close: () => listener.close(), serve: (b) => void (backend = b) };
}
