// A small JSON-RPC client over fetch: the observers read the chain with standard methods
// only (PROTOCOL.md §9), from any node, and need what ethers' provider hides: batches
// (mirroring asks for thousands of blocks), no cache, no retry loop, and errors that name
// the node. Every answer is read as untrusted input.

export class RpcFailure extends Error {
  constructor(readonly url: string, readonly method: string, message: string, readonly rpcCode?: number) {
    super(`${url} ${method}: ${message}`);
    this.name = "RpcFailure";
  }
}

export type RpcRequest = { method: string; params: unknown[] };

/** Largest batch sent at once: under the embedded chain's 1,000 and geth's default of 1,000. */
const MAX_BATCH = 200;

export class JsonRpcClient {
  private nextId = 1;

  constructor(readonly url: string, private readonly timeoutMs = 30_000) {}

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const [answer] = await this.batch<T>([{ method, params }]);
    return answer;
  }

  /** Answers in request order; the first error fails the whole batch. */
  async batch<T = unknown>(requests: readonly RpcRequest[]): Promise<T[]> {
    const out: T[] = [];
    for (let start = 0; start < requests.length; start += MAX_BATCH) {
      out.push(...(await this.send<T>(requests.slice(start, start + MAX_BATCH))));
    }
    return out;
  }

  private async send<T>(requests: readonly RpcRequest[]): Promise<T[]> {
    const first = this.nextId;
    this.nextId += requests.length;
    const body = requests.map((r, i) => ({ jsonrpc: "2.0", id: first + i, method: r.method, params: r.params }));
    const what = requests.length === 1 ? requests[0].method : `batch of ${requests.length} (${requests[0].method}...)`;
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(requests.length === 1 ? body[0] : body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new RpcFailure(this.url, what, `unreachable (${(cause as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch {
      throw new RpcFailure(this.url, what, `HTTP ${res.status}, answer is not JSON`);
    }
    const answers = Array.isArray(parsed) ? parsed : [parsed];
    const byId = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
    for (const a of answers) if (a && typeof a === "object" && typeof a.id === "number") byId.set(a.id, a);
    if (byId.size === 0 && answers.length === 1 && answers[0]?.error) {
      throw new RpcFailure(this.url, what, answers[0].error.message, answers[0].error.code);
    }
    return requests.map((r, i) => {
      const a = byId.get(first + i);
      if (!a) throw new RpcFailure(this.url, r.method, "no answer for this request in the batch");
      if (a.error) throw new RpcFailure(this.url, r.method, a.error.message, a.error.code);
      return a.result as T;
    });
  }
}

export const toQuantity = (n: number | bigint) => "0x" + n.toString(16);

/** A hex quantity from a node, checked: the observers do not trust a node's answers. */
export function quantity(value: unknown, what: string): number {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) throw new TypeError(`${what} is not a hex quantity: ${JSON.stringify(value)}`);
  const n = Number(BigInt(value));
  if (!Number.isSafeInteger(n)) throw new TypeError(`${what} is out of range: ${value}`);
  return n;
}
