// A node that lies: an HTTP JSON-RPC proxy in front of a real node that rewrites some of
// its answers. The observer's checks that only a dishonest node can fail (C2, C5) are
// tested against it; everything else it forwards untouched.
import http from "node:http";

export type Lie = (method: string, params: unknown[], result: unknown) => unknown;
export type LyingNode = { rpcUrl: string; close(): Promise<void> };

export async function startLyingNode(target: string, lie: Lie): Promise<LyingNode> {
  const forward = async (request: { id: unknown; method: string; params?: unknown[] }) => {
    const res = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    const answer = (await res.json()) as { result?: unknown };
    return "result" in answer ? { ...answer, result: lie(request.method, request.params ?? [], answer.result) } : answer;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const answer = Array.isArray(body) ? await Promise.all(body.map(forward)) : await forward(body);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { rpcUrl: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
