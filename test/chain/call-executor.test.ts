// The call executor alone: its process reads the chain's state node by node at the block a
// call names (the head, or a recent block the chain keeps); a call that runs too long or
// takes too much memory ends with its process, answered with an error, and the next call
// gets a fresh process, ready at once.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { RLP } from "@ethereumjs/rlp";
import { CallExecutor } from "../../server/chain/call-executor.js";
import type { DurableChain } from "../../server/chain/engine/durable-chain.js";
import { newGenesis, type Genesis } from "../../server/chain/genesis.js";
import type { EngineEvm } from "../../server/chain/engine/engine-rpc.js";
import type { Journal } from "../../server/chain/journal.js";
import { Mutex } from "../../server/chain/mutex.js";
import { Sealer } from "../../server/chain/sealer.js";
import { engineParts } from "./engine-parts.js";
import { SINK, signTransfers } from "./transfers.js";

const ENDLESS_LOOP = "0x5b600056";
/** Init code that returns BALANCE(SINK) as one word: a call that reads the chain's state. */
const BALANCE_OF_SINK = `0x73${SINK.slice(2).toLowerCase()}3160005260206000f3`;
const word = (n: number) => "0x" + n.toString(16).padStart(64, "0");
const q = (n: number) => "0x" + n.toString(16);

describe("chain call executor", function () {
  this.timeout(120_000);
  let dir: string;
  let journal: Journal;
  let sealer: Sealer;
  const wallet = Wallet.createRandom();
  let genesis: Genesis = newGenesis({ accounts: [wallet.address] });
  let chain: DurableChain;
  let evm: EngineEvm;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-executor-"));
    // The chain keeps the state of its head and the 2 blocks before it.
    const parts = await engineParts(dir, genesis, undefined, { stateHistory: 2 });
    ({ genesis, journal, chain, evm } = parts);
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
    genesis, chain: evm, evmTimeoutMs: o.evmTimeoutMs ?? 60_000, memoryBytes: o.memoryBytes ?? 8 * 2 ** 30,
  });

  it("answers calls at the chain's head from nodes the chain process reads for it, without building any state", async () => {
    const e = executor({});
    try {
      expect(await e.request("eth_call", [{ data: BALANCE_OF_SINK }, "latest"])).to.equal(word(3));
      expect(e.stats.started).to.equal(1);
      expect(e.stats.nodesServed).to.be.greaterThan(0);
      // Nodes are kept by hash in the process: the same call on the same state asks for none again.
      const served = e.stats.nodesServed;
      expect(await e.request("eth_call", [{ data: BALANCE_OF_SINK }, "latest"])).to.equal(word(3));
      expect(e.stats.nodesServed).to.equal(served);
      expect(await e.request("eth_estimateGas", [{ data: BALANCE_OF_SINK }, "latest"])).to.match(/^0x[0-9a-f]+$/);
    } finally {
      await e.close();
    }
  });

  it("answers at a block the chain still keeps, and refuses an older one naming what is kept", async () => {
    const e = executor({});
    try {
      expect(await e.request("eth_call", [{ data: BALANCE_OF_SINK }, q(1)])).to.equal(word(1));
      expect(await e.request("eth_call", [{ data: BALANCE_OF_SINK }, q(2)])).to.equal(word(2));
      const error = await e.request("eth_call", [{ data: BALANCE_OF_SINK }, q(0)]).then(() => undefined, (err: Error & { code?: number }) => err);
      expect(error?.code).to.equal(-32000);
      expect(error?.message).to.equal("this node keeps the state of blocks 1 to 3 only (its head and the 2 before it); block 0 was asked");
      const ahead = await e.request("eth_call", [{ data: BALANCE_OF_SINK }, q(9)]).then(() => undefined, (err: Error) => err);
      expect(ahead?.message).to.equal("header for block 9 not found (the head is block 3)");
    } finally {
      await e.close();
    }
  });

  it("never reads a node of a state that left the window as missing: the chain process answers that the state is gone", async () => {
    // What the process asks while a call runs: block 1's state root, asked for block 1 and
    // then (the window having moved past it) for block 0.
    const header = RLP.decode(Buffer.from((await chain.derived.headerRlp(1))!.slice(2), "hex")) as Uint8Array[];
    const key = Buffer.from(header[3]);
    expect((await evm.readNode(1, key)).value).to.be.instanceOf(Uint8Array);
    const missing = Buffer.alloc(32, 7);
    expect(await evm.readNode(1, missing)).to.deep.equal({});
    expect(await evm.readNode(0, missing)).to.deep.equal({ gone: "this node keeps the state of blocks 1 to 3 only (its head and the 2 before it); block 0 was asked" });
  });

  it("stops a call at the wall-clock limit, then serves the next one in a fresh process", async () => {
    const e = executor({ evmTimeoutMs: 500 });
    try {
      // The limit's own answer and the executor's count say it fired (tests do not time).
      const error = await e.request("eth_call", [{ data: ENDLESS_LOOP, gas: q(60_000_000) }, "latest"]).then(() => undefined, (err: Error & { code?: number }) => err);
      expect(error?.message).to.equal("execution aborted (timeout = 0.5s)");
      expect(error?.code).to.equal(-32000);
      expect(await e.request("eth_call", [{ data: BALANCE_OF_SINK }, "latest"])).to.equal(word(3));
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
    } finally {
      await e.close();
    }
  });
});
