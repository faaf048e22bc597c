// The chain's public door: standard Ethereum JSON-RPC over HTTP, read methods and
// eth_sendRawTransaction only. The EVM behind it also speaks hardhat_*/evm_* methods that
// rewrite history or mint ether; they never cross this door. docs/CHAIN.md §RPC.
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  RpcError, RPC_INTERNAL_ERROR, RPC_INVALID_REQUEST, RPC_METHOD_NOT_FOUND, RPC_PARSE_ERROR,
} from "./rpc-error.js";

/** Forwarded to the chain as is. Everything else is refused with -32601. */
export const FORWARDED_METHODS: ReadonlySet<string> = new Set([
  "eth_chainId", "net_version", "web3_clientVersion", "eth_syncing",
  "eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByHash",
  "eth_getBlockTransactionCountByNumber", "eth_getBlockTransactionCountByHash",
  "eth_getTransactionByHash", "eth_getTransactionReceipt",
  "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionByBlockHashAndIndex",
  "eth_getLogs", "eth_call", "eth_estimateGas",
  "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getTransactionCount",
  "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_feeHistory",
  "eth_sendRawTransaction",
]);

/** Answered here: the node holds no account, and it is listening since it answers. */
const LOCAL_ANSWERS: Record<string, unknown> = { eth_accounts: [], net_listening: true };

export type RpcBackend = (method: string, params: unknown[]) => Promise<unknown>;

export type RpcFrontOptions = {
  backend: RpcBackend;
  host?: string;
  port?: number;
  /** A castVotes batch of a few hundred ballots is ~0.5 MB of hex; 4 MiB leaves room. */
  maxBodyBytes?: number;
  maxBatchLength?: number;
  /** Structured log line; never receives a request body. */
  log?: (event: string, fields: Record<string, unknown>) => void;
};

export type RpcFront = { url: string; port: number; close(): Promise<void> };

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

export async function startRpcFront(opts: RpcFrontOptions): Promise<RpcFront> {
  const maxBodyBytes = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const maxBatchLength = opts.maxBatchLength ?? 1000;
  const log = opts.log ?? (() => {});

  async function handleOne(request: unknown): Promise<JsonRpcResponse> {
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      return failure(null, RPC_INVALID_REQUEST, "invalid request: expected a JSON-RPC object");
    }
    const { jsonrpc, id, method, params } = request as Record<string, unknown>;
    const validId = typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) || id === null;
    // Notifications (no id) are refused: every method here has an answer worth reading.
    if (!validId) return failure(null, RPC_INVALID_REQUEST, "invalid request: id must be a string, a number or null");
    if (jsonrpc !== "2.0") return failure(id, RPC_INVALID_REQUEST, 'invalid request: jsonrpc must be "2.0"');
    if (typeof method !== "string") return failure(id, RPC_INVALID_REQUEST, "invalid request: method must be a string");
    if (params !== undefined && !Array.isArray(params)) return failure(id, RPC_INVALID_REQUEST, "invalid request: params must be an array");
    if (Object.hasOwn(LOCAL_ANSWERS, method)) return { jsonrpc: "2.0", id, result: LOCAL_ANSWERS[method] };
    if (!FORWARDED_METHODS.has(method)) return failure(id, RPC_METHOD_NOT_FOUND, "method not available");
    try {
      return { jsonrpc: "2.0", id, result: (await opts.backend(method, params ?? [])) ?? null };
    } catch (error) {
      if (error instanceof RpcError) return failure(id, error.code, error.message, error.data);
      log("rpc.internal_error", { method, error: (error as Error).message });
      return failure(id, RPC_INTERNAL_ERROR, "internal error");
    }
  }

  async function handleBody(body: string): Promise<JsonRpcResponse | JsonRpcResponse[]> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return failure(null, RPC_PARSE_ERROR, "parse error: body is not JSON");
    }
    if (!Array.isArray(parsed)) return handleOne(parsed);
    if (parsed.length === 0) return failure(null, RPC_INVALID_REQUEST, "invalid request: empty batch");
    if (parsed.length > maxBatchLength) return failure(null, RPC_INVALID_REQUEST, `invalid request: batch longer than ${maxBatchLength}`);
    // In order, one after the other: the EVM serves one call at a time anyway, and a batch
    // of sends must reach the mempool in the order the client wrote it.
    const responses: JsonRpcResponse[] = [];
    for (const request of parsed) responses.push(await handleOne(request));
    return responses;
  }

  const server = http.createServer((req, res) => {
    const send = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
      const body = payload === undefined ? "" : JSON.stringify(payload);
      res.writeHead(status, { ...CORS_HEADERS, ...(payload === undefined ? {} : { "content-type": "application/json" }), ...extra });
      res.end(body);
    };
    if (req.method === "OPTIONS") return send(204);
    if (req.method !== "POST") return send(405, failure(null, RPC_INVALID_REQUEST, "use POST"), { allow: "POST, OPTIONS" });

    const tooLarge = () => {
      // Answer, then drop the connection rather than read an unbounded body.
      send(413, failure(null, RPC_INVALID_REQUEST, `request body larger than ${maxBodyBytes} bytes`), { connection: "close" });
      res.once("finish", () => req.destroy());
    };
    if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        return tooLarge();
      }
      chunks.push(chunk);
    });
    req.on("error", () => {}); // a client that hangs up mid-body is not our problem
    req.on("end", () => {
      if (refused) return;
      handleBody(Buffer.concat(chunks).toString("utf8")).then(
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

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8545, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
