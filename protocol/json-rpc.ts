// The one JSON-RPC client of urne's readers of the chain (PROTOCOL.md §9): the proof checks
// (the verify page, `urne verify`), the widget, the observer tools (`urne observe`,
// `recount`, `fingerprint`, `submit`). Over fetch, browser-safe and dependency-free, so the
// verify page stays light and talks to the node the citizen picked (any node, not ours):
// single calls and batches (mirroring asks for thousands of blocks), a timeout, no cache,
// no retry loop, and errors that name the node and the method. ethers' provider is not used
// on purpose: it caches, retries and hides what the node really answered. Every answer is
// read as untrusted input (audit/node-answers.ts checks the shapes).

/** What the checks need of a node: one call at a time (JsonRpcClient fits, and so do test doubles). */
export type RpcCaller = { call<T = unknown>(method: string, params?: unknown[]): Promise<T> };

export type RpcRequest = { method: string; params: unknown[] };

/**
 * A request to a node that failed: no answer, an answer that is not JSON-RPC, or the node's
 * error answer (`rpcCode` and `data` as the node gave them: revert data, a limit). Not
 * server/chain/rpc-error.ts's RpcError, which is the error a node of ours sends.
 */
export class NodeRequestError extends Error {
  constructor(readonly url: string, readonly method: string, message: string, readonly rpcCode?: number, readonly data?: unknown) {
    super(`${url} ${method}: ${message}`);
    this.name = "NodeRequestError";
  }
}

/** A JSON-RPC quantity: a non-negative integer as 0x-hex without leading zeros (what geth accepts). */
export const toQuantity = (n: number | bigint) => "0x" + n.toString(16);

const DEFAULT_TIMEOUT_MS = 15_000;

/** Largest batch sent at once: under the embedded chain's 1,000 and geth's default of 1,000. */
const MAX_BATCH = 200;

type Answer = { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export class JsonRpcClient implements RpcCaller {
  #nextId = 1;

  /**
   * `timeoutMs` per HTTP request (a batch is one request of up to MAX_BATCH calls); `headers`
   * go with every request (e.g. an operator service's `authorization` to its own node).
   */
  constructor(readonly url: string, private readonly timeoutMs = DEFAULT_TIMEOUT_MS, private readonly headers: Readonly<Record<string, string>> = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`node URL is not a URL: ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError(`node URL must be http(s): ${url}`);
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const [answer] = await this.#send<T>([{ method, params }]);
    if (answer.status === "rejected") throw answer.reason;
    return answer.value;
  }

  /** Answers in request order, MAX_BATCH calls per HTTP request; the first error fails the whole batch. */
  async batch<T = unknown>(requests: readonly RpcRequest[]): Promise<T[]> {
    return (await this.batchSettled<T>(requests)).map((answer) => {
      if (answer.status === "rejected") throw answer.reason;
      return answer.value;
    });
  }

  /**
   * Answers in request order, each its result or its own NodeRequestError (one reverted call
   * does not fail the others); a failure of a whole HTTP request (no answer, not JSON-RPC, the
   * node refusing the batch) throws, as it concerns every call in it.
   */
  async batchSettled<T = unknown>(requests: readonly RpcRequest[]): Promise<PromiseSettledResult<T>[]> {
    const out: PromiseSettledResult<T>[] = [];
    for (let start = 0; start < requests.length; start += MAX_BATCH) {
      out.push(...(await this.#send<T>(requests.slice(start, start + MAX_BATCH))));
    }
    return out;
  }

  async #send<T>(requests: readonly RpcRequest[]): Promise<PromiseSettledResult<T>[]> {
    if (requests.length === 0) return [];
    const single = requests.length === 1;
    const first = this.#nextId;
    this.#nextId += requests.length;
    const body = requests.map((r, i) => ({ jsonrpc: "2.0", id: first + i, method: r.method, params: r.params }));
    const what = single ? requests[0].method : `batch of ${requests.length} (${requests[0].method}...)`;
    const fail = (message: string, method = what, error?: Answer["error"]) =>
      new NodeRequestError(this.url, method, message, typeof error?.code === "number" ? error.code : undefined, error?.data);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { ...this.headers, "content-type": "application/json" },
        body: JSON.stringify(single ? body[0] : body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw fail((cause as Error).name === "TimeoutError" ? `no answer within ${this.timeoutMs / 1000} s` : `unreachable (${(cause as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch {
      throw fail(`HTTP ${res.status}, the answer is not JSON`);
    }
    const errorOf = (a: Answer, method: string) => fail(String(a.error?.message ?? "error without a message"), method, a.error);
    let answers: unknown[];
    if (single) {
      if (!isObject(parsed)) throw fail(`HTTP ${res.status}, not a JSON-RPC answer`);
      answers = [parsed];
    } else if (Array.isArray(parsed)) {
      answers = parsed;
    } else {
      // A node that refuses the whole batch (too large, rate limited) answers one error.
      if (isObject(parsed) && parsed.error) throw errorOf(parsed as Answer, what);
      throw fail(`HTTP ${res.status}, not a JSON-RPC batch answer`);
    }
    const byId = new Map<number, Answer>();
    for (const a of answers) if (isObject(a) && typeof a.id === "number") byId.set(a.id, a as Answer);
    if (!single && byId.size === 0 && answers.length === 1 && isObject(answers[0]) && answers[0].error) throw errorOf(answers[0] as Answer, what);
    return requests.map((r, i): PromiseSettledResult<T> => {
      // A single call's error may come without its id (a parse error's is null).
      const a = single ? (answers[0] as Answer) : byId.get(first + i);
      if (!a) return { status: "rejected", reason: fail("no answer for this request in the batch", r.method) };
      if (a.error) return { status: "rejected", reason: errorOf(a, r.method) };
      if (a.id !== first + i || !("result" in a)) return { status: "rejected", reason: fail("the answer does not match the request", r.method) };
      return { status: "fulfilled", value: a.result as T };
    });
  }
}
