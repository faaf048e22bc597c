// protocol/json-rpc.ts, the one JSON-RPC client of the widget, the proof checks and the
// observers: single calls and batches against a node that answers what the test says,
// each failure a NodeRequestError naming the node and the method.
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { JsonRpcClient, NodeRequestError, toQuantity } from "../../protocol/json-rpc.js";

type Request = { id: number; method: string; params: unknown[] };

describe("protocol/json-rpc: JsonRpcClient", () => {
  let server: Server;
  let url: string;
  /** What the node answers to one HTTP body (a request or an array of them). */
  let answer: (body: Request | Request[]) => unknown;
  const bodies: unknown[] = [];
  const authorizations: (string | undefined)[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (d) => (text += d)).on("end", () => {
        const body = JSON.parse(text);
        bodies.push(body);
        authorizations.push(req.headers.authorization);
        const out = answer(body);
        res.setHeader("content-type", "application/json").end(typeof out === "string" ? out : JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    bodies.length = 0;
    authorizations.length = 0;
  });

  const failure = (p: Promise<unknown>) => p.then(() => expect.fail("resolved"), (e: unknown) => e as NodeRequestError);
  const results = (reqs: Request[]) => reqs.map((r) => ({ jsonrpc: "2.0", id: r.id, result: `${r.method}:${JSON.stringify(r.params)}` }));

  it("a single call: one request object, its result; the node's error with its code and data", async () => {
    const client = new JsonRpcClient(url);
    answer = (b) => results([b as Request])[0];
    expect(await client.call("eth_chainId")).to.equal("eth_chainId:[]");
    expect(bodies[0]).to.include({ jsonrpc: "2.0", method: "eth_chainId" });
    answer = (b) => ({ jsonrpc: "2.0", id: (b as Request).id, error: { code: 3, message: "execution reverted", data: "0x1234" } });
    const e = await failure(client.call("eth_call", [{}]));
    expect(e).to.be.instanceOf(NodeRequestError).and.include({ url, method: "eth_call", rpcCode: 3, data: "0x1234" });
    expect(e.message).to.equal(`${url} eth_call: execution reverted`);
    answer = () => ({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
    expect(await failure(client.call("eth_chainId"))).to.include({ rpcCode: -32700 });
  });

  it("a single call refuses an answer that is not its own: not JSON, not an object, another id, no result", async () => {
    const client = new JsonRpcClient(url);
    const cases: [(b: Request) => unknown, string][] = [
      [() => "<html>", "HTTP 200, the answer is not JSON"],
      [() => [], "HTTP 200, not a JSON-RPC answer"],
      [(b) => ({ jsonrpc: "2.0", id: b.id + 1, result: "0x1" }), "the answer does not match the request"],
      [(b) => ({ jsonrpc: "2.0", id: b.id }), "the answer does not match the request"],
    ];
    for (const [node, message] of cases) {
      answer = node as typeof answer;
      expect((await failure(client.call("eth_blockNumber"))).message).to.equal(`${url} eth_blockNumber: ${message}`);
    }
  });

  it("a batch: answers in request order whatever the node's order, at most 200 calls per HTTP request", async () => {
    const client = new JsonRpcClient(url);
    answer = (b) => results(b as Request[]).reverse();
    const requests = Array.from({ length: 450 }, (_, i) => ({ method: "eth_getBlockByNumber", params: [toQuantity(i), false] }));
    const out = await client.batch(requests);
    expect(out).to.deep.equal(requests.map((r) => `${r.method}:${JSON.stringify(r.params)}`));
    expect(bodies.map((b) => (b as unknown[]).length)).to.deep.equal([200, 200, 50]);
    expect(await client.batch([])).to.deep.equal([]);
  });

  it("a batch fails at its first error, a missing answer, or a refusal of the whole batch, naming the method", async () => {
    const client = new JsonRpcClient(url);
    const requests = [{ method: "eth_blockNumber", params: [] }, { method: "eth_getLogs", params: [{}] }];
    answer = (b) => (b as Request[]).map((r) => (r.method === "eth_getLogs" ? { jsonrpc: "2.0", id: r.id, error: { code: -32005, message: "range too large" } } : results([r])[0]));
    expect(await failure(client.batch(requests))).to.include({ method: "eth_getLogs", rpcCode: -32005, message: `${url} eth_getLogs: range too large` });
    answer = (b) => results((b as Request[]).slice(0, 1));
    expect((await failure(client.batch(requests))).message).to.equal(`${url} eth_getLogs: no answer for this request in the batch`);
    answer = () => ({ jsonrpc: "2.0", id: null, error: { code: -32005, message: "batch too large" } });
    expect(await failure(client.batch(requests))).to.include({ method: "batch of 2 (eth_blockNumber...)", rpcCode: -32005 });
    answer = () => [{ jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request" } }];
    expect(await failure(client.batch(requests))).to.include({ method: "batch of 2 (eth_blockNumber...)", rpcCode: -32600 });
    answer = () => ({ jsonrpc: "2.0", id: 1, result: "0x1" });
    expect((await failure(client.batch(requests))).message).to.equal(`${url} batch of 2 (eth_blockNumber...): HTTP 200, not a JSON-RPC batch answer`);
  });

  it("a settled batch: each call its own result or error, a refusal of the whole request still throws", async () => {
    const client = new JsonRpcClient(url);
    const requests = [{ method: "eth_call", params: ["a"] }, { method: "eth_call", params: ["revert"] }, { method: "eth_call", params: ["c"] }];
    answer = (b) => (b as Request[]).map((r) => (r.params[0] === "revert" ? { jsonrpc: "2.0", id: r.id, error: { code: 3, message: "execution reverted", data: "0xab" } } : results([r])[0]));
    const out = await client.batchSettled(requests);
    expect(out.map((a) => a.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
    expect(out[0]).to.deep.equal({ status: "fulfilled", value: 'eth_call:["a"]' });
    expect((out[1] as PromiseRejectedResult).reason).to.be.instanceOf(NodeRequestError).and.include({ method: "eth_call", rpcCode: 3, data: "0xab" });
    answer = (b) => results((b as Request[]).slice(0, 2));
    expect(((await client.batchSettled(requests))[2] as PromiseRejectedResult).reason.message).to.equal(`${url} eth_call: no answer for this request in the batch`);
    answer = () => ({ jsonrpc: "2.0", id: null, error: { code: -32005, message: "batch too large" } });
    expect(await failure(client.batchSettled(requests))).to.include({ rpcCode: -32005 });
  });

  it("sends the headers it was given with every request, and none otherwise", async () => {
    answer = (b) => (Array.isArray(b) ? results(b) : results([b])[0]);
    await new JsonRpcClient(url, 5_000, { authorization: "Bearer service-token" }).batch([{ method: "eth_blockNumber", params: [] }, { method: "eth_chainId", params: [] }]);
    await new JsonRpcClient(url).call("eth_chainId");
    expect(authorizations).to.deep.equal(["Bearer service-token", undefined]);
  });

  it("names an unreachable node, and refuses a URL that is not http(s)", async () => {
    expect((await failure(new JsonRpcClient("http://127.0.0.1:9").call("eth_chainId"))).message).to.match(/^http:\/\/127\.0\.0\.1:9 eth_chainId: unreachable/);
    expect(() => new JsonRpcClient("ftp://node.example")).to.throw(TypeError, "http(s)");
    expect(() => new JsonRpcClient("not a url")).to.throw(TypeError, "not a URL");
  });

  it("toQuantity writes no leading zero (geth refuses them)", () => {
    expect([0, 5, 16, 255, 256].map(toQuantity)).to.deep.equal(["0x0", "0x5", "0x10", "0xff", "0x100"]);
    expect(toQuantity(2n ** 64n)).to.equal("0x10000000000000000");
  });
});
