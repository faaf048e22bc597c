import { expect } from "chai";
import http from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TransactionResponse } from "ethers";
import { NodeProvider } from "../../server/chain/node-provider.js";
import { startChain, type Chain } from "../../server/chain/node.js";
import { startRpcFront, type RpcFront } from "../../server/chain/rpc-front.js";
import { RpcError } from "../../server/chain/rpc-error.js";
import { DEFAULT_DOOR_LIMITS } from "../../server/chain/door-limits.js";
import { rpcCall } from "../helpers/rpc.js";
import { SINK, sendRaw, signTransfers, until } from "./transfers.js";

type Reply = { status: number; headers: Headers; body: any };

async function post(url: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }): Promise<Reply> {
  const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
const call = (method: string, params?: unknown, id: unknown = 1) => JSON.stringify({ jsonrpc: "2.0", id, method, params });

describe("chain RPC front", function () {
  let dataDir: string;
  let chain: Chain;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-front-"));
    chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20, deploy: false });
  });
  after(async () => {
    await chain?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe("refuses with -32601 every method outside the allow-list", () => {
    const forbidden: [string, unknown[]][] = [
      ["hardhat_mine", ["0x10"]], ["hardhat_setBalance", [SINK, "0x1000"]], ["hardhat_setCode", [SINK, "0x00"]],
      ["hardhat_setStorageAt", [SINK, "0x0", "0x" + "00".repeat(32)]], ["hardhat_impersonateAccount", [SINK]],
      ["hardhat_setPrevRandao", ["0x" + "00".repeat(32)]], ["hardhat_reset", []], ["hardhat_dropTransaction", ["0x" + "00".repeat(32)]],
      ["evm_mine", []], ["evm_setNextBlockTimestamp", ["0x1"]], ["evm_increaseTime", [1000]], ["evm_snapshot", []], ["evm_revert", ["0x1"]],
      ["evm_setAutomine", [true]], ["evm_setIntervalMining", [1]],
      ["eth_sendTransaction", [{ from: SINK, to: SINK }]], ["eth_sign", [SINK, "0x00"]], ["eth_signTypedData_v4", [SINK, "{}"]],
      ["personal_sign", ["0x00", SINK]], ["personal_unlockAccount", [SINK, ""]],
      ["debug_traceTransaction", ["0x" + "00".repeat(32)]], ["debug_traceCall", [{ to: SINK }, "latest"]],
      ["eth_subscribe", ["newHeads"]], ["eth_newFilter", [{}]], ["eth_pendingTransactions", []], ["txpool_content", []],
      ["admin_peers", []], ["__proto__", []], ["toString", []], ["", []],
    ];
    for (const [method, params] of forbidden) {
      it(method || "(empty name)", async () => {
        const before = await rpcCall(chain.rpcUrl, "eth_blockNumber", []);
        const { status, body } = await post(chain.rpcUrl, call(method, params, 7));
        expect(status).to.equal(200);
        expect(body).to.deep.equal({ jsonrpc: "2.0", id: 7, error: { code: -32601, message: "method not available" } });
        expect(await rpcCall(chain.rpcUrl, "eth_blockNumber", [])).to.equal(before);
      });
    }
  });

  it("answers eth_accounts with [] and net_listening with true", async () => {
    expect(await rpcCall(chain.rpcUrl, "eth_accounts", [])).to.deep.equal([]);
    expect(await rpcCall(chain.rpcUrl, "net_listening", [])).to.equal(true);
  });

  it("forwards the standard reads", async () => {
    expect(await rpcCall(chain.rpcUrl, "eth_chainId", [])).to.equal("0x75726e65"); // "urne"
    expect(await rpcCall(chain.rpcUrl, "net_version", [])).to.equal("1970433637");
    expect(await rpcCall(chain.rpcUrl, "eth_syncing", [])).to.equal(false);
    expect(await rpcCall(chain.rpcUrl, "eth_getBalance", [chain.operators.relayer.address, "latest"])).to.equal("0xd3c21bcecceda1000000");
    expect(await rpcCall(chain.rpcUrl, "eth_getCode", [SINK, "latest"])).to.equal("0x");
  });

  it("lets an ethers wallet send a transaction and wait for it", async () => {
    const provider = new NodeProvider(chain.rpcUrl, chain.chainId, { pollingIntervalMs: 20 });
    try {
      const tx = await chain.operators.organizer.connect(provider).sendTransaction({ to: SINK, value: 5n });
      const receipt = await tx.wait();
      expect(receipt?.status).to.equal(1);
      expect(await provider.getBalance(SINK)).to.equal(5n);
    } finally {
      provider.destroy();
    }
  });

  describe("the pending block tag", () => {
    it("counts waiting transactions in the pending nonce, as geth does", async () => {
      const wallet = chain.operators.admin;
      const latest = Number(await rpcCall(chain.rpcUrl, "eth_getTransactionCount", [wallet.address, "latest"]));
      const raws = await signTransfers(wallet, chain.chainId, latest, 3);
      // Send 0 and 2: the pending nonce stops at the gap, then moves past 2 once 1 arrives.
      await sendRaw(chain.rpcUrl, raws[0]);
      await sendRaw(chain.rpcUrl, raws[2]);
      // Whether 0 is sealed yet or not, the next nonce to use is latest + 1.
      expect(Number(await rpcCall(chain.rpcUrl, "eth_getTransactionCount", [wallet.address, "pending"]))).to.equal(latest + 1);
      await sendRaw(chain.rpcUrl, raws[1]);
      expect(Number(await rpcCall(chain.rpcUrl, "eth_getTransactionCount", [wallet.address, "pending"]))).to.equal(latest + 3);
      await until("all three final", async () =>
        Number(await rpcCall(chain.rpcUrl, "eth_getTransactionCount", [wallet.address, "latest"])) === latest + 3 ? true : undefined);
      expect(Number(await rpcCall(chain.rpcUrl, "eth_getTransactionCount", [wallet.address, "pending"]))).to.equal(latest + 3);
    });

    it("answers other pending reads from the last final block", async () => {
      const latest = (await rpcCall(chain.rpcUrl, "eth_getBlockByNumber", ["latest", false])) as { hash: string };
      const pending = (await rpcCall(chain.rpcUrl, "eth_getBlockByNumber", ["pending", false])) as { hash: string };
      expect(pending.hash).to.equal(latest.hash);
      expect(await rpcCall(chain.rpcUrl, "eth_getBalance", [SINK, "pending"])).to.equal(await rpcCall(chain.rpcUrl, "eth_getBalance", [SINK, "latest"]));
    });

    it("lets an ethers wallet send several transactions without waiting in between", async () => {
      const provider = new NodeProvider(chain.rpcUrl, chain.chainId, { pollingIntervalMs: 20 });
      try {
        const signer = chain.operators.relayer.connect(provider);
        const txs: TransactionResponse[] = [];
        for (let i = 0; i < 4; i++) txs.push(await signer.sendTransaction({ to: SINK, value: 1n }));
        expect(txs.map((t) => t.nonce)).to.deep.equal([0, 1, 2, 3].map((i) => txs[0].nonce + i));
        for (const tx of txs) expect((await tx.wait())?.status).to.equal(1);
      } finally {
        provider.destroy();
      }
    });
  });

  describe("answers malformed input with a JSON-RPC error, and keeps serving", () => {
    const cases: [string, string, number][] = [
      ["broken JSON", '{"jsonrpc":"2.0",', -32700],
      ["an empty body", "", -32700],
      ["a number", "42", -32600],
      ["a string", '"eth_chainId"', -32600],
      ["null", "null", -32600],
      ["no id (a notification)", '{"jsonrpc":"2.0","method":"eth_chainId","params":[]}', -32600],
      ["an object id", '{"jsonrpc":"2.0","id":{},"method":"eth_chainId","params":[]}', -32600],
      ["no method", '{"jsonrpc":"2.0","id":1,"params":[]}', -32600],
      ["a numeric method", '{"jsonrpc":"2.0","id":1,"method":5,"params":[]}', -32600],
      ["params as an object", '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"address":"0x0"}}', -32600],
      ["jsonrpc 1.0", '{"jsonrpc":"1.0","id":1,"method":"eth_chainId","params":[]}', -32600],
      ["an empty batch", "[]", -32600],
    ];
    for (const [what, body, code] of cases) {
      it(what, async () => {
        const reply = await post(chain.rpcUrl, body);
        expect(reply.status).to.equal(200);
        expect(reply.body.error.code).to.equal(code);
        expect(reply.body.jsonrpc).to.equal("2.0");
        expect(await rpcCall(chain.rpcUrl, "eth_chainId", [])).to.equal("0x75726e65");
      });
    }

    it("bad parameters of an allowed method", async () => {
      for (const params of [[{}], ["latest", "latest", "latest"], ["0xzz", false]]) {
        const { body } = await post(chain.rpcUrl, call("eth_getBlockByNumber", params));
        expect(body.error.code, JSON.stringify(params)).to.be.a("number");
      }
      for (const raw of ["0x1234", "not hex", 42, null, "0x" + "ff".repeat(200_000)]) {
        const { body } = await post(chain.rpcUrl, call("eth_sendRawTransaction", [raw]));
        expect(body.error, String(raw).slice(0, 20)).to.not.equal(undefined);
      }
      expect(await rpcCall(chain.rpcUrl, "eth_chainId", [])).to.equal("0x75726e65");
    });
  });

  describe("batches", () => {
    it("answers each request of a batch, in order, with its own id", async () => {
      const batch = [
        { jsonrpc: "2.0", id: "a", method: "eth_chainId", params: [] },
        { jsonrpc: "2.0", id: "b", method: "evm_mine", params: [] },
        { jsonrpc: "2.0", id: "c", method: 12 },
        { jsonrpc: "2.0", id: "d", method: "eth_accounts" },
        17,
      ];
      const { status, body } = await post(chain.rpcUrl, JSON.stringify(batch));
      expect(status).to.equal(200);
      expect(body).to.have.length(5);
      expect(body[0]).to.deep.equal({ jsonrpc: "2.0", id: "a", result: "0x75726e65" });
      expect(body[1]).to.deep.equal({ jsonrpc: "2.0", id: "b", error: { code: -32601, message: "method not available" } });
      expect(body[2].id).to.equal("c");
      expect(body[2].error.code).to.equal(-32600);
      expect(body[3]).to.deep.equal({ jsonrpc: "2.0", id: "d", result: [] });
      expect(body[4].error.code).to.equal(-32600);
    });

    it("refuses a batch longer than the limit as a whole", async () => {
      const batch = Array.from({ length: 1001 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" }));
      const { body } = await post(chain.rpcUrl, JSON.stringify(batch));
      expect(body.error.code).to.equal(-32600);
    });
  });

  it("allows browsers from any origin (CORS preflight and response headers)", async () => {
    const preflight = await fetch(chain.rpcUrl, { method: "OPTIONS", headers: { origin: "https://example.org", "access-control-request-method": "POST" } });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
    expect(preflight.headers.get("access-control-allow-headers")).to.contain("content-type");
    const { headers } = await post(chain.rpcUrl, call("eth_chainId", []), { "content-type": "text/plain" });
    expect(headers.get("access-control-allow-origin")).to.equal("*");
  });

  it("refuses other HTTP methods than POST", async () => {
    const res = await fetch(chain.rpcUrl, { method: "GET" });
    expect(res.status).to.equal(405);
    await res.text();
  });

  describe("with a small body limit", () => {
    let front: RpcFront;
    before(async () => {
      front = await startRpcFront({
        port: 0, limits: { ...DEFAULT_DOOR_LIMITS, maxBodyBytes: 1024 },
        backend: async (method) => {
          if (method === "eth_getCode") throw new Error("disk path /secret/x exploded");
          if (method === "eth_call") throw new RpcError(-32000, "execution reverted", "0x12345678");
          return "0x1";
        },
      });
    });
    after(() => front.close());

    it("refuses a body over the limit announced by Content-Length with 413", async () => {
      const { status, body } = await post(front.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: ["x".repeat(2000)] }));
      expect(status).to.equal(413);
      expect(body.error.code).to.equal(-32600);
    });

    it("refuses a chunked body that grows over the limit", async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(front.url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on("error", reject);
        req.write('{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":["');
        const chunk = "y".repeat(512);
        let sent = 0;
        const pump = () => {
          while (sent < 64 && req.write(chunk)) sent++;
          if (sent < 64) req.once("drain", pump);
          else req.end('"]}');
        };
        pump();
      });
      expect(status).to.equal(413);
    });

    it("still serves after refusing", async () => {
      expect((await post(front.url, call("eth_chainId", []))).body.result).to.equal("0x1");
    });

    it("hides internal errors and forwards EVM errors with their data", async () => {
      const internal = await post(front.url, call("eth_getCode", [SINK, "latest"]));
      expect(internal.body.error).to.deep.equal({ code: -32603, message: "internal error" });
      const reverted = await post(front.url, call("eth_call", [{ to: SINK }, "latest"]));
      expect(reverted.body.error).to.deep.equal({ code: -32000, message: "execution reverted", data: "0x12345678" });
    });
  });
});
