/**
 * One raw JSON-RPC call over HTTP. Tests use it to probe nodes and to check exactly what
 * a node answers (ethers' provider retries and caches, which hides both).
 */
export async function rpcCall(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
  if (body.error) throw Object.assign(new Error(body.error.message), { rpcCode: body.error.code });
  return body.result;
}
