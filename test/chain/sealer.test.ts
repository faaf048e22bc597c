import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, keccak256 } from "ethers";
import type { DurableChain } from "../../server/chain/engine/durable-chain.js";
import type { Evm } from "../../server/chain/engine/engine-rpc.js";
import { newGenesis } from "../../server/chain/genesis.js";
import type { Journal } from "../../server/chain/journal.js";
import { Mutex } from "../../server/chain/mutex.js";
import { DEFAULT_DOOR_LIMITS } from "../../server/chain/door-limits.js";
import { MAX_BLOCK_TRANSACTIONS, Sealer, type SealerOptions } from "../../server/chain/sealer.js";
import type { TxPool } from "../../server/chain/tx-pool.js";
import { engineParts } from "./engine-parts.js";
import { signTransfers } from "./transfers.js";

describe("chain sealer", () => {
  let dir: string;
  let journal: Journal;
  let evm: Evm;
  let chain: DurableChain;
  let sealer: Sealer;
  let mutex: Mutex;
  let pool: TxPool;
  let fatal: Error | undefined;
  const wallet = Wallet.createRandom();
  const genesis = newGenesis({ accounts: [wallet.address], now: new Date("2026-01-01T00:00:00Z") });
  const chainId = BigInt(genesis.chainId);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-sealer-"));
    // One sender fills several blocks here: the per-sender limits are the door's tests' business.
    const parts = await engineParts(dir, genesis, { ...DEFAULT_DOOR_LIMITS, maxSenderTransactions: 4000, maxNonceAhead: 4000 });
    ({ journal, chain, evm, pool } = parts);
    mutex = new Mutex();
    fatal = undefined;
    sealer = makeSealer(parts.head, {
      intervalMs: 1_000_000, // sealed by hand with sealPending()
      onFatal: (e) => (fatal = e),
      now: () => Date.parse("2026-01-01T00:00:10Z"),
    });
  });
  const makeSealer = (head: Sealer["head"], o: Omit<SealerOptions, "zeroBaseFee">) => new Sealer(evm, chain, journal, mutex, pool, head, { zeroBaseFee: true, ...o });
  afterEach(async () => {
    await sealer.stop();
    await chain.close();
    await journal.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it("seals waiting transactions into one journaled block, by the sealing rule", async () => {
    const raws = await signTransfers(wallet, chainId, 0, 3);
    for (const raw of raws) expect(await sealer.submit(raw)).to.equal(keccak256(raw));
    const [block, ...more] = await sealer.sealPending();
    expect(more).to.have.length(0);
    expect(block.transactions).to.deep.equal(raws);
    expect(block.timestamp).to.equal(Date.parse("2026-01-01T00:00:10Z") / 1000);
    expect(await journal.block(1)).to.deep.equal(block);
    expect(sealer.pendingCount).to.equal(0);
  });

  it("never goes back in time when the clock does", async () => {
    await sealer.submit((await signTransfers(wallet, chainId, 0, 1))[0]);
    const [first] = await sealer.sealPending();
    const late = makeSealer(sealer.head, { intervalMs: 1e6, onFatal: () => {}, now: () => 0 });
    await late.submit((await signTransfers(wallet, chainId, 1, 1))[0]);
    const [second] = await late.sealPending();
    expect(second.timestamp).to.equal(first.timestamp);
  });

  it("mines nothing while nothing waits", async () => {
    expect(await sealer.sealPending()).to.deep.equal([]);
    expect(journal.head).to.equal(0);
  });

  it("mines no block for a transaction behind a nonce gap, and mines it once the gap is filled", async () => {
    const [tx0, tx1] = await signTransfers(wallet, chainId, 0, 2);
    await sealer.submit(tx1); // nonce 1 first: not minable yet
    expect(await sealer.sealPending()).to.deep.equal([]);
    expect(journal.head).to.equal(0);
    await sealer.submit(tx0);
    const [filled] = await sealer.sealPending();
    expect(filled.transactions).to.deep.equal([tx0, tx1]);
  });

  it("splits more transactions than a block may try into consecutive blocks, in order", async () => {
    const raws = await signTransfers(wallet, chainId, 0, MAX_BLOCK_TRANSACTIONS + 20);
    for (const raw of raws) await sealer.submit(raw);
    const blocks = await sealer.sealPending();
    expect(blocks.map((b) => b.transactions.length)).to.deep.equal([MAX_BLOCK_TRANSACTIONS, 20]);
    expect(blocks.flatMap((b) => b.transactions)).to.deep.equal(raws);
  });

  it("leaves a transaction the block's gas cannot hold for the next block, and does not drop it", async () => {
    // Each asks for nearly a whole block's gas: after the first (21,000 used) the rest no longer fit.
    const big: string[] = [];
    for (let i = 0; i < 3; i++) {
      big.push(await wallet.signTransaction({ type: 2, chainId, nonce: i, to: wallet.address, value: 1n, gasLimit: 59_990_000n, maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1n }));
    }
    for (const raw of big) await sealer.submit(raw);
    const blocks = await sealer.sealPending();
    expect(blocks.map((b) => b.transactions)).to.deep.equal([[big[0]], [big[1]], [big[2]]]);
    expect(sealer.pendingCount).to.equal(0);
  });

  describe("when the journal write fails", () => {
    it("halts: reports it once, and serves nobody again, not even a reader already waiting", async () => {
      await sealer.submit((await signTransfers(wallet, chainId, 0, 1))[0]);
      await journal.close(); // the next appendBlock throws
      const sealing = sealer.sealPending();
      const reader = sealer.read("eth_blockNumber", []); // queued behind the seal
      const [sealResult, readResult] = await Promise.allSettled([sealing, reader]);
      expect(sealResult.status).to.equal("rejected");
      expect(readResult.status, "a reader must never see the unjournaled block 1").to.equal("rejected");
      expect(fatal?.message).to.contain("chain halted while sealing block 1");
      await sealer.read("eth_blockNumber", []).then(() => expect.fail("read after halt"), (e: Error) => expect(e.message).to.contain("chain halted"));
      await sealer.submit((await signTransfers(wallet, chainId, 1, 1))[0]).then(() => expect.fail("submit after halt"), () => {});
    });
  });
});
