import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, keccak256 } from "ethers";
import { createEvm, type Evm } from "../../server/chain/evm.js";
import { newGenesis } from "../../server/chain/genesis.js";
import { Journal } from "../../server/chain/journal.js";
import { Mutex } from "../../server/chain/mutex.js";
import { DEFAULT_DOOR_LIMITS } from "../../server/chain/door-limits.js";
import { Sealer, headOf, type SealerOptions } from "../../server/chain/sealer.js";
import { TxPool } from "../../server/chain/tx-pool.js";
import { signTransfers } from "./transfers.js";

describe("chain sealer", () => {
  let dir: string;
  let journal: Journal;
  let evm: Evm;
  let sealer: Sealer;
  let mutex: Mutex;
  let pool: TxPool;
  let fatal: Error | undefined;
  const wallet = Wallet.createRandom();
  const genesis = newGenesis({ accounts: [wallet.address], now: new Date("2026-01-01T00:00:00Z") });
  const chainId = BigInt(genesis.chainId);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-sealer-"));
    journal = await Journal.open(dir);
    evm = await createEvm(genesis);
    const block0 = (await evm.request({ method: "eth_getBlockByNumber", params: ["0x0", false] })) as Parameters<typeof headOf>[0];
    mutex = new Mutex();
    fatal = undefined;
    // One sender fills several blocks here: the per-sender limits are the door's tests' business.
    pool = new TxPool({ evm, limits: { ...DEFAULT_DOOR_LIMITS, maxSenderTransactions: 4000, maxNonceAhead: 4000 }, chainId, zeroBaseFee: true, ballotBox: () => undefined });
    sealer = makeSealer(headOf(block0), {
      intervalMs: 1_000_000, // sealed by hand with sealPending()
      onFatal: (e) => (fatal = e),
      now: () => Date.parse("2026-01-01T00:00:10Z"),
    });
  });
  const makeSealer = (head: Sealer["head"], o: Omit<SealerOptions, "zeroBaseFee">) => new Sealer(evm, journal, mutex, pool, head, { zeroBaseFee: true, ...o });
  afterEach(async () => {
    await sealer.stop();
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

  it("splits more transactions than a block holds into consecutive blocks", async function () {
    this.timeout(120_000);
    const raws = await signTransfers(wallet, chainId, 0, 3000); // 60M gas / 21k = 2857 per block
    for (const raw of raws) await sealer.submit(raw);
    const blocks = await sealer.sealPending();
    expect(blocks.map((b) => b.transactions.length)).to.deep.equal([2857, 143]);
    expect(blocks.flatMap((b) => b.transactions)).to.deep.equal(raws);
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
