// A node that lies: an HTTP JSON-RPC proxy in front of a real node that rewrites some of
// its answers. The observer's checks that only a dishonest node can fail (C2, C5-C7), the
// proof checks and the widget's chain check are tested against it; everything else it
// forwards untouched. CORS is open, as on a public node, so that a browser can use it.
import http from "node:http";

export type Lie = (method: string, params: unknown[], result: unknown) => unknown;
export type LyingNode = { rpcUrl: string; close(): Promise<void> };

/** `refuse`: methods answered with JSON-RPC's "method not found", as a node without them does. */
export async function startLyingNode(target: string, lie: Lie, opts: { refuse?: string[] } = {}): Promise<LyingNode> {
  const forward = async (request: { id: unknown; method: string; params?: unknown[] }) => {
    if (opts.refuse?.includes(request.method)) return { jsonrpc: "2.0", id: request.id, error: { code: -32601, message: `the method ${request.method} does not exist/is not available` } };
    const res = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    const answer = (await res.json()) as { result?: unknown };
    return "result" in answer ? { ...answer, result: lie(request.method, request.params ?? [], answer.result) } : answer;
  };
  const cors = { "access-control-allow-origin": "*", "access-control-allow-methods": "POST, OPTIONS", "access-control-allow-headers": "content-type" };
  const server = http.createServer((req, res) => {
    if (req.method === "OPTIONS") return void res.writeHead(204, cors).end();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const answer = Array.isArray(body) ? await Promise.all(body.map(forward)) : await forward(body);
      res.writeHead(200, { "content-type": "application/json", ...cors }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { rpcUrl: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

type Json = Record<string, any>;

/** What a liar does to one log: keeps it (as given, or changed), drops it (undefined), or adds others after it (a list). */
export type LogLie = (log: Json) => Json | Json[] | undefined;

/**
 * The same lie about logs in every answer that holds logs: eth_getLogs, and the logs of
 * each receipt (eth_getBlockReceipts, eth_getTransactionReceipt). `where` picks the
 * answers lied in (default both).
 */
export function lieAboutLogs(lie: LogLie, where: { logs?: boolean; receipts?: boolean } = {}): Lie {
  const { logs = true, receipts = true } = where;
  const edit = (list: Json[]) => list.flatMap((log) => {
    const out = lie(log);
    return out === undefined ? [] : Array.isArray(out) ? out : [out];
  });
  const receipt = (r: Json | null) => (r && Array.isArray(r.logs) ? { ...r, logs: edit(r.logs) } : r);
  return (method, _params, result) => {
    if (logs && method === "eth_getLogs" && Array.isArray(result)) return edit(result);
    if (receipts && method === "eth_getTransactionReceipt") return receipt(result as Json | null);
    if (receipts && method === "eth_getBlockReceipts" && Array.isArray(result)) return result.map(receipt);
    return result;
  };
}

/** Block `n`'s header (eth_getBlockByNumber) as `change` makes it, its declared hash kept. */
export function lieAboutBlock(n: number, change: (block: Json) => Json): Lie {
  return (method, params, result) => (method === "eth_getBlockByNumber" && result && Number(params[0]) === n ? change(result as Json) : result);
}

/** Several lies, each applied to what the one before made. */
export const lies = (...all: Lie[]): Lie => (method, params, result) => all.reduce((r, lie) => lie(method, params, r), result);
