// The chain's public door against the requests that once stopped or stalled the whole
// service (docs/CHAIN.md §5). Each is sent anonymously to `urne chain` running as a child
// process; each must get a JSON-RPC error with a code and a message, and the node must
// stay up and keep sealing blocks.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";
import { Wallet, keccak256 } from "ethers";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";
import { readChainServiceToken } from "../../server/chain/chain-service-token.js";
import { startChainProcess, type ChainProcess } from "../helpers/chain-process.js";
import { freePort } from "../helpers/free-port.js";
import { SINK, getBlock, receiptOf, sendRaw, signTransfers, until } from "./transfers.js";

type Answer = { result?: any; error?: { code: number; message: string; data?: any } };

async function rpc(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; bytes: number; ms: number }> {
  const t = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), bytes: text.length, ms: performance.now() - t };
}
const one = async (url: string, method: string, params: unknown[]): Promise<Answer> => (await rpc(url, { jsonrpc: "2.0", id: 1, method, params })).body;

/** Resident memory of a process (Linux /proc), in bytes. */
const rss = (pid: number) => Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * 4096;

/**
 * Contract-creation code that loops until its gas runs out, calling the BN254 scalar
 * multiplication precompile (0x07: the generator times 2^256-1) each turn. A plain
 * JUMPDEST PUSH1 0 JUMP loop ran past any limit on EDR (it traced every step); ethereumjs
 * runs it out of the 10 M gas cap in about a second here, so it no longer reaches the
 * time limit. This one costs about 10 s of CPU for 10 M gas (ethereumjs' BN254 is
 * JavaScript): a call that the wall-clock limit, not its gas, must stop.
 */
const ENDLESS_LOOP = "0x600160005260026020527f" + "ff".repeat(32) + "6040525b604060806060600060075afa50602e56";
/** Contract-creation code that emits one LOG0 of `size` zero bytes. */
const logOf = (size: number) => "0x61" + size.toString(16).padStart(4, "0") + "6000a000";
/** BallotBox.ballotCount() selector. */
const SELECTOR_BALLOT_COUNT = keccak256(Buffer.from("ballotCount()")).slice(0, 10);
/** Contract-creation code that emits `n` empty LOG0s (a countdown loop). */
const manyLogs = (n: number) => "0x61" + n.toString(16).padStart(4, "0") + "5b600080a06001900380600357" + "00";

describe("chain door: no anonymous request stops or stalls the node", function () {
  this.timeout(240_000);
  let dataDir: string;
  let node: ChainProcess;
  let admin: Wallet;
  let relayer: Wallet;
  let chainId: bigint;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-door-"));
    node = await startChainProcess(dataDir, await freePort(), {
      blockIntervalMs: 100,
      env: { URNE_CHAIN_EVM_TIMEOUT_MS: "1500", URNE_CHAIN_MAX_LOGS_BLOCK_RANGE: "40", URNE_CHAIN_MAX_LOGS: "500" },
    });
    const keys = readOperatorKeys(dataDir)!;
    admin = new Wallet(keys.find((k) => k.name === "admin")!.privateKey);
    relayer = new Wallet(keys.find((k) => k.name === "relayer")!.privateKey);
    chainId = BigInt((await one(node.rpcUrl, "eth_chainId", [])).result);
  });
  afterEach(() => {
    if (!node.alive()) throw new Error(`the node died:\n${node.output.join("").slice(-3000)}`);
  });
  after(async () => {
    await node?.kill("SIGTERM");
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A transfer from `wallet`, sent now; resolves once a block holds it (with how long that took). */
  async function minedTransfer(wallet: Wallet): Promise<number> {
    const nonce = Number((await one(node.rpcUrl, "eth_getTransactionCount", [wallet.address, "pending"])).result);
    const [raw] = await signTransfers(wallet, chainId, nonce, 1);
    const t = performance.now();
    const hash = await sendRaw(node.rpcUrl, raw);
    await until("transfer mined", async () => ((await receiptOf(node.rpcUrl, hash)) ? true : undefined), 30_000, 20);
    return performance.now() - t;
  }

  it("refuses eth_call and eth_estimateGas with a gas price that overflows the EVM, naming the field", async () => {
    const a = await one(node.rpcUrl, "eth_call", [{ to: SINK, gasPrice: "0x" + (2n ** 112n).toString(16) }, "latest"]);
    expect(a.error?.code).to.equal(-32602);
    expect(a.error?.message).to.contain("params[0].gasPrice");
    const b = await one(node.rpcUrl, "eth_estimateGas", [{ to: SINK, gasPrice: "0x" + (2n ** 103n).toString(16), gas: "0x" + (60_000_000).toString(16) }]);
    expect(b.error?.code).to.equal(-32602);
    const c = await one(node.rpcUrl, "eth_call", [{ to: SINK, maxFeePerGas: "0x" + (2n ** 200n).toString(16) }, "latest"]);
    expect(c.error?.message).to.contain("params[0].maxFeePerGas");
  });

  it("survives the largest fee, gas and value it lets through", async () => {
    const stranger = Wallet.createRandom().address;
    const max = { from: stranger, to: SINK, gasPrice: "0x" + (2n ** 64n - 1n).toString(16), gas: "0x" + (2n ** 63n - 1n).toString(16), value: "0x" + (2n ** 96n - 1n).toString(16) };
    const eip1559 = { from: stranger, to: SINK, maxFeePerGas: "0x" + (2n ** 64n - 1n).toString(16), maxPriorityFeePerGas: "0x" + (2n ** 64n - 1n).toString(16) };
    for (const [method, call] of [["eth_call", max], ["eth_estimateGas", max], ["eth_call", eip1559], ["eth_estimateGas", eip1559]] as const) {
      const answer = await one(node.rpcUrl, method, [call, "latest"]);
      expect(answer.result !== undefined || answer.error !== undefined, method).to.equal(true); // an answer, not a crash (afterEach)
    }
  });

  it("refuses unknown fields, state overrides and malformed quantities by name", async () => {
    expect((await one(node.rpcUrl, "eth_call", [{ to: SINK, blobVersionedHashes: [] }, "latest"])).error?.message).to.contain("params[0].blobVersionedHashes");
    expect((await one(node.rpcUrl, "eth_call", [{ to: SINK }, "latest", { [SINK]: { balance: "0x1" } }])).error?.code).to.equal(-32602);
    expect((await one(node.rpcUrl, "eth_getBalance", [SINK, "0x1g"])).error?.message).to.contain("params[1]");
    expect((await one(node.rpcUrl, "eth_getStorageAt", [SINK, "0x" + "1".repeat(65), "latest"])).error?.message).to.contain("params[1]");
    expect((await one(node.rpcUrl, "eth_feeHistory", ["0x10000", "latest", []])).error?.message).to.contain("params[0]");
  });

  it("answers eth_getLogs up to block 2^64-1 at once, with an error", async () => {
    const answer = await rpc(node.rpcUrl, { jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "0xffffffffffffffff" }] });
    expect(answer.body.error.code).to.equal(-32602);
    expect(answer.ms).to.be.below(5_000);
    // A range ending beyond the head ends at the head (nothing exists there yet).
    const head = Number((await one(node.rpcUrl, "eth_blockNumber", [])).result);
    const clamped = await one(node.rpcUrl, "eth_getLogs", [{ fromBlock: "0x" + head.toString(16), toBlock: "0x1fffffffffffff" }]);
    expect(clamped.result).to.be.an("array");
  });

  it("refuses a block range wider than its limit, and an answer with more logs than its limit", async () => {
    while (Number((await one(node.rpcUrl, "eth_blockNumber", [])).result) < 41) await minedTransfer(relayer);
    const wide = await one(node.rpcUrl, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }]);
    expect(wide.error?.code).to.equal(-32005);
    expect(wide.error?.message).to.match(/block range too wide: \d+ blocks, at most 40/);
    const nonce = Number((await one(node.rpcUrl, "eth_getTransactionCount", [admin.address, "pending"])).result);
    const raw = await admin.signTransaction({ type: 2, chainId, nonce, data: manyLogs(600), gasLimit: 1_000_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
    const hash = await sendRaw(node.rpcUrl, raw);
    const receipt = await until("logs mined", () => receiptOf(node.rpcUrl, hash).then((r) => r ?? undefined));
    const many = await one(node.rpcUrl, "eth_getLogs", [{ fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }]);
    expect(many.error?.code).to.equal(-32005);
    expect(many.error?.message).to.contain("more than 500 logs");
    const byHash = await one(node.rpcUrl, "eth_getLogs", [{ blockHash: receipt.blockHash }]);
    expect(byHash.error?.message).to.contain("more than 500 logs");
  });

  it("answers a batch of 1,000 range queries within one answer budget, refusing the rest", async () => {
    // About 7 MB of logs (14 MB of hex) in the last blocks: 60 logs of 60 kB.
    const nonce = Number((await one(node.rpcUrl, "eth_getTransactionCount", [admin.address, "pending"])).result);
    const raws: string[] = [];
    for (let i = 0; i < 60; i++) raws.push(await admin.signTransaction({ type: 2, chainId, nonce: nonce + i, data: logOf(60_000), gasLimit: 1_000_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n }));
    for (const raw of raws) await sendRaw(node.rpcUrl, raw);
    const last = await until("big logs mined", () => receiptOf(node.rpcUrl, keccak256(raws.at(-1)!)).then((r) => r ?? undefined));
    const first = (await receiptOf(node.rpcUrl, keccak256(raws[0])))!;
    const filter = { fromBlock: first.blockNumber, toBlock: last.blockNumber };
    const batch = Array.from({ length: 1000 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_getLogs", params: [filter] }));
    const rssBefore = rss(node.child.pid!);
    const answer = await rpc(node.rpcUrl, batch);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.have.length(1000);
    expect(answer.bytes).to.be.below(26_000_000);
    const served = answer.body.filter((a: Answer) => a.result !== undefined).length;
    expect(answer.body[0].result, JSON.stringify(answer.body[0].error)).to.have.length(60);
    expect(served).to.be.at.least(1).and.below(1000);
    const refused = answer.body.filter((a: Answer) => a.error?.code === -32005);
    expect(refused.length).to.equal(1000 - served);
    expect(refused.at(-1).error.message).to.contain("batch answer larger than");
    expect(answer.ms, "the requests past the budget are not run").to.be.below(30_000);
    expect(rss(node.child.pid!) - rssBefore).to.be.below(800 * 2 ** 20);
  });

  it("stops endless-loop calls at the wall-clock limit, in another process, while blocks go on", async () => {
    const loop = (gas?: number) => rpc(node.rpcUrl, { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ data: ENDLESS_LOOP, ...(gas ? { gas: "0x" + gas.toString(16) } : {}) }, "latest"] });
    const rssBefore = rss(node.child.pid!);
    // Two at the block gas limit and one with no gas field, all at once; a transfer meanwhile.
    let answered = 0;
    const calls = Promise.all([loop(60_000_000), loop(60_000_000), loop()].map((c) => c.finally(() => answered++)));
    await new Promise((r) => setTimeout(r, 300));
    await minedTransfer(relayer);
    expect(answered, "a transfer sent during the loops is sealed before the loops end (they run one at a time, 1.5 s each)").to.be.below(3);
    const answers = await calls;
    for (const a of answers) {
      expect(a.body.error.code).to.be.oneOf([-32000, -32005]);
      expect(a.body.error.message).to.match(/execution aborted \(timeout = 1\.5s\)|restarted|catching up/);
    }
    expect(answers.filter((a) => a.body.error.message.includes("timeout")).length).to.be.at.least(1);
    expect(rss(node.child.pid!) - rssBefore, "the chain process does not grow: the loops run elsewhere").to.be.below(300 * 2 ** 20);
    // And the executor comes back for the next call.
    const ok = await one(node.rpcUrl, "eth_call", [{ data: "0x600160005260206000f3" }, "latest"]);
    expect(ok.result).to.equal("0x" + "0".repeat(63) + "1");
  });

  it("answers a BallotBox call naming no gas, and the operator's services' calls, on the sealing EVM while endless loops hold the call executor", async () => {
    const loop = () => rpc(node.rpcUrl, { jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ data: ENDLESS_LOOP }, "latest"] });
    let loopsAnswered = 0;
    const loops = Promise.all([loop(), loop()].map((c) => c.finally(() => loopsAnswered++)));
    await new Promise((r) => setTimeout(r, 300));
    // ballotCount() (a view of the BallotBox), no gas named.
    const count = await one(node.rpcUrl, "eth_call", [{ to: node.ballotBox, data: SELECTOR_BALLOT_COUNT }, "latest"]);
    expect(count.error).to.equal(undefined);
    expect(BigInt(count.result)).to.be.a("bigint");
    expect(loopsAnswered, "the BallotBox call did not wait in the executor's queue").to.equal(0);
    // The operator's own services (the service token) estimate a BallotBox call of any gas here too, not behind the loops.
    const token = readChainServiceToken(dataDir)!;
    const mine = await rpc(node.rpcUrl, { jsonrpc: "2.0", id: 1, method: "eth_estimateGas", params: [{ to: node.ballotBox, data: SELECTOR_BALLOT_COUNT, gas: "0x" + (3_000_000).toString(16) }] }, { authorization: `Bearer ${token}` });
    expect(mine.body.result).to.match(/^0x[0-9a-f]+$/);
    expect(loopsAnswered, "the operator's estimate did not wait in the executor's queue").to.equal(0);
    // The same call naming more than ballotBoxCallGas goes to the executor, behind the loops.
    const big = await one(node.rpcUrl, "eth_call", [{ to: node.ballotBox, data: SELECTOR_BALLOT_COUNT, gas: "0x" + (3_000_000).toString(16) }, "latest"]);
    expect(loopsAnswered, "a call naming more gas waits its turn in the executor").to.be.at.least(1);
    expect(big.result).to.equal(count.result);
    await loops;
  });

  it("refuses zero-fee transactions from unfunded senders, keeps none, seals no block for them", async () => {
    const head = Number((await one(node.rpcUrl, "eth_blockNumber", [])).result);
    const rssBefore = rss(node.child.pid!);
    // 20 of 100 kB (the probe that found it sent 200: EDR kept ~5 MB each); ethers takes 0.2 s to sign one here.
    for (let i = 0; i < 20; i++) {
      const stranger = Wallet.createRandom();
      const raw = await stranger.signTransaction({ type: 2, chainId, nonce: 0, to: SINK, data: "0x" + "ab".repeat(100_000), gasLimit: 5_000_000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n });
      const answer = await one(node.rpcUrl, "eth_sendRawTransaction", [raw]);
      expect(answer.error?.code).to.equal(-32003);
      expect(answer.error?.message).to.contain("below this node's floor");
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(Number((await one(node.rpcUrl, "eth_blockNumber", [])).result)).to.equal(head);
    expect(rss(node.child.pid!) - rssBefore).to.be.below(200 * 2 ** 20);
  });

  it("refuses a transaction its sender cannot pay, a nonce too far ahead, another chain's, and says why", async () => {
    const stranger = Wallet.createRandom();
    const poor = await one(node.rpcUrl, "eth_sendRawTransaction", [await stranger.signTransaction({ type: 2, chainId, nonce: 0, to: SINK, gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n })]);
    expect(poor.error?.code).to.equal(-32003);
    expect(poor.error?.message).to.match(/insufficient funds|enough funds/);
    const nonce = Number((await one(node.rpcUrl, "eth_getTransactionCount", [relayer.address, "latest"])).result);
    const [far] = await signTransfers(relayer, chainId, nonce + 65, 1);
    expect((await one(node.rpcUrl, "eth_sendRawTransaction", [far])).error?.message).to.contain("nonce too high");
    const [other] = await signTransfers(relayer, chainId + 1n, nonce, 1);
    expect((await one(node.rpcUrl, "eth_sendRawTransaction", [other])).error?.message).to.match(/chain/i);
    const [old] = await signTransfers(relayer, chainId, 0, 1);
    expect((await one(node.rpcUrl, "eth_sendRawTransaction", [old])).error?.message).to.contain("nonce too low");
  });

  it("keeps no more than its per-sender limit waiting behind a gap", async () => {
    const nonce = Number((await one(node.rpcUrl, "eth_getTransactionCount", [relayer.address, "latest"])).result);
    const raws = await signTransfers(relayer, chainId, nonce + 1, 64); // nonce itself missing: all wait
    for (const raw of raws) expect((await one(node.rpcUrl, "eth_sendRawTransaction", [raw])).result).to.be.a("string");
    const [more] = await signTransfers(relayer, chainId, nonce, 1);
    const full = await one(node.rpcUrl, "eth_sendRawTransaction", [more]);
    expect(full.error?.code).to.equal(-32005);
    expect(full.error?.message).to.contain("64 transactions waiting");
  });

  it("lets the operator's services skip the rate limit, and no one else", async () => {
    const token = readChainServiceToken(dataDir)!;
    const batch = Array.from({ length: 200 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_blockNumber", params: [] }));
    const served = await rpc(node.rpcUrl, batch, { authorization: `Bearer ${token}` });
    expect(served.body.every((a: Answer) => a.result !== undefined)).to.equal(true);
    expect((await getBlock(node.rpcUrl, "latest"))?.number).to.be.a("string");
  });
});

describe("chain door: a bucket of request units per client address", function () {
  this.timeout(120_000);
  let dataDir: string;
  let node: ChainProcess;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-door-rate-"));
    node = await startChainProcess(dataDir, await freePort(), { env: { URNE_CHAIN_CLIENT_BURST: "50", URNE_CHAIN_CLIENT_UNITS_PER_SECOND: "10" } });
  });
  after(async () => {
    await node?.kill("SIGTERM");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers a client past its burst with -32005 and when to retry, and serves the operator's services", async () => {
    const batch = Array.from({ length: 120 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_blockNumber", params: [] }));
    const anonymous = await rpc(node.rpcUrl, batch);
    const served = anonymous.body.filter((a: Answer) => a.result !== undefined).length;
    expect(served).to.be.within(45, 60); // the burst, and what refilled meanwhile
    const limited = anonymous.body.find((a: Answer) => a.error);
    expect(limited.error.code).to.equal(-32005);
    expect(limited.error.message).to.contain("rate limit");
    expect(limited.error.data.retryAfterSeconds).to.be.a("number").and.at.least(1);
    const service = await rpc(node.rpcUrl, batch, { authorization: `Bearer ${readChainServiceToken(dataDir)}` });
    expect(service.body.every((a: Answer) => a.result !== undefined)).to.equal(true);
    // A wrong token is just another anonymous client.
    const forged = await rpc(node.rpcUrl, batch, { authorization: "Bearer " + "x".repeat(43) });
    expect(forged.body.some((a: Answer) => a.error?.code === -32005)).to.equal(true);
    expect(node.alive()).to.equal(true);
  });
});
