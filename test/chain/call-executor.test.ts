// The call executor alone: a call that runs too long or takes too much memory ends with
// its process, answered with an error, and the next call gets a fresh process that has
// caught up with the chain.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { CallExecutor } from "../../server/chain/call-executor.js";
import type { DurableChain } from "../../server/chain/engine/durable-chain.js";
import { newGenesis, type Genesis } from "../../server/chain/genesis.js";
import type { Journal } from "../../server/chain/journal.js";
import { Mutex } from "../../server/chain/mutex.js";
import { Sealer } from "../../server/chain/sealer.js";
import { engineParts } from "./engine-parts.js";
import { SINK, signTransfers } from "./transfers.js";

const ENDLESS_LOOP = "0x5b600056";
const q = (n: number) => "0x" + n.toString(16);

describe("chain call executor", function () {
  this.timeout(120_000);
  let dir: string;
  let journal: Journal;
  let sealer: Sealer;
  const wallet = Wallet.createRandom();
  let genesis: Genesis = newGenesis({ accounts: [wallet.address] });
  let chain: DurableChain;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-executor-"));
    const parts = await engineParts(dir, genesis);
    ({ genesis, journal, chain } = parts);
    sealer = new Sealer(parts.evm, chain, journal, new Mutex(), parts.pool, parts.head, { intervalMs: 1e9, zeroBaseFee: true, onFatal: (e) => { throw e; } });
    for (const raw of await signTransfers(wallet, BigInt(genesis.chainId), 0, 3)) {
      await sealer.submit(raw);
      await sealer.sealPending();
    }
  });
  after(async () => {
    await chain.close();
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  const executor = (o: { evmTimeoutMs?: number; memoryBytes?: number }) => new CallExecutor({
    genesis, journal, head: () => sealer.head.number, evmTimeoutMs: o.evmTimeoutMs ?? 60_000, memoryBytes: o.memoryBytes ?? 8 * 2 ** 30,
  });

  it("answers calls at the chain's head, replayed in its own process", async () => {
    const e = executor({});
    try {
      expect(await e.request("eth_getBalance", [SINK, "latest"])).to.equal("0x3");
      expect(await e.request("eth_blockNumber", [])).to.equal(q(3));
      expect(e.stats.started).to.equal(1);
    } finally {
      await e.close();
    }
  });

  it("stops a call at the wall-clock limit, then serves the next one in a fresh process", async () => {
    const e = executor({ evmTimeoutMs: 500 });
    try {
      // The limit's own answer and the executor's count say it fired (tests do not time).
      const error = await e.request("eth_call", [{ data: ENDLESS_LOOP, gas: q(60_000_000) }, "latest"]).then(() => undefined, (err: Error & { code?: number }) => err);
      expect(error?.message).to.equal("execution aborted (timeout = 0.5s)");
      expect(error?.code).to.equal(-32000);
      expect(await e.request("eth_getBalance", [SINK, "latest"])).to.equal("0x3");
      expect(e.stats).to.include({ started: 2, timedOut: 1 });
    } finally {
      await e.close();
    }
  });

  // EDR recorded a trace of every step, so this loop grew its process past 400 MiB; ethereumjs
  // keeps none, and the loop runs in constant memory. The limit is what is tested here: a
  // process above it while a call runs is ended, whatever made it large.
  it("stops a call while its process is above the memory limit", async () => {
    const e = executor({ memoryBytes: 32 * 2 ** 20 });
    try {
      const error = await e.request("eth_call", [{ data: ENDLESS_LOOP, gas: q(60_000_000) }, "latest"]).then(() => undefined, (err: Error) => err);
      expect(error?.message).to.equal("execution aborted (memory above 32 MiB)");
      expect(e.stats.overMemory).to.equal(1);
      expect(await e.request("eth_blockNumber", [])).to.equal(q(3));
    } finally {
      await e.close();
    }
  });
});
