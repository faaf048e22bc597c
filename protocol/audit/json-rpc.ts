// The smallest JSON-RPC caller the proof checks need (PROTOCOL.md §9.2): one request at a
// time over fetch, a timeout, and errors that say which node and which method failed.
// Browser-safe and dependency-free, so the verify page stays light and talks to the node
// the citizen picked (any node, not ours). ethers' provider is not used on purpose: it
// caches, retries and hides what the node really answered.

/** What the checks need of a node; O's observer client (observer/rpc) fits too. */
export type RpcCaller = { call<T = unknown>(method: string, params?: unknown[]): Promise<T> };

/** A node that did not answer, answered something that is not JSON-RPC, or an error. */
export class RpcError extends Error {
  /** `data`: what the node gave with its error (revert data, a limit), as given. */
  constructor(readonly url: string, readonly method: string, message: string, readonly rpcCode?: number, readonly data?: unknown) {
    super(`${url} ${method}: ${message}`);
    this.name = "RpcError";
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;

export class JsonRpcClient implements RpcCaller {
  #nextId = 1;

  constructor(readonly url: string, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`node URL is not a URL: ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError(`node URL must be http(s): ${url}`);
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const id = this.#nextId++;
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const why = (cause as Error).name === "TimeoutError" ? `no answer within ${this.timeoutMs / 1000} s` : `unreachable (${(cause as Error).message})`;
      throw new RpcError(this.url, method, why);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new RpcError(this.url, method, `HTTP ${res.status}, the answer is not JSON`);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new RpcError(this.url, method, `HTTP ${res.status}, not a JSON-RPC answer`);
    const answer = body as { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
    if (answer.error) {
      const code = typeof answer.error.code === "number" ? answer.error.code : undefined;
      throw new RpcError(this.url, method, String(answer.error.message ?? "error without a message"), code, answer.error.data);
    }
    if (answer.id !== id || !("result" in answer)) throw new RpcError(this.url, method, "the answer does not match the request");
    return answer.result as T;
  }
}
