import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { Transaction, Wallet } from "ethers";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";
import { startChain, type Chain } from "../../server/chain/node.js";
import { blockKey, type BlockRecord } from "../../server/chain/journal.js";
import type { Genesis } from "../../server/chain/genesis.js";
import { getBlock, receiptOf, sendRaw, signTransfers, until } from "./transfers.js";

describe("chain journal and replay", function () {
  let dataDir: string;
  let chain: Chain | undefined;
  /** Blocks 1..head as the first run announced them. */
  const announced: string[] = [];

  before(async function () {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-replay-"));
    chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    const wallet = chain.operators.relayer;
    // Several blocks: send in waves and wait for each wave to be sealed.
    for (let wave = 0; wave < 4; wave++) {
      const raws = await signTransfers(wallet, chain.chainId, wave * 5, 5);
      const hashes: string[] = [];
      for (const raw of raws) hashes.push(await sendRaw(chain.rpcUrl, raw));
      await until("wave mined", async () => ((await receiptOf(chain!.rpcUrl, hashes.at(-1)!)) ? true : undefined));
    }
    const head = chain.head().number;
    for (let n = 1; n <= head; n++) announced.push((await getBlock(chain.rpcUrl, n))!.hash);
    await chain.stop();
    chain = undefined;
  });

  afterEach(async () => {
    await chain?.stop();
    chain = undefined;
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("journals every announced block with its raw transactions", async () => {
    const db = new Level<string, BlockRecord>(path.join(dataDir, "chain"), { valueEncoding: "json" });
    try {
      expect(announced.length).to.be.greaterThanOrEqual(5); // deployment + 4 waves
      let txs = 0;
      for (let n = 1; n <= announced.length; n++) {
        const record = await db.get(blockKey(n));
        expect(record, `block ${n}`).to.include({ number: n, hash: announced[n - 1] });
        txs += record!.transactions.length;
      }
      expect(txs).to.equal(1 + 20);
      expect(await db.get(blockKey(announced.length + 1))).to.equal(undefined);
    } finally {
      await db.close();
    }
  });

  it("replays the journal on restart to identical block hashes", async () => {
    chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    expect(chain.replay.blocks).to.equal(announced.length);
    for (let n = 1; n <= announced.length; n++) expect((await getBlock(chain.rpcUrl, n))!.hash).to.equal(announced[n - 1]);
    const code = await fetchCode(chain.rpcUrl, chain.deployment!.ballotBox);
    expect(code).to.not.equal("0x");
  });

  it("keeps sealing after a restart, on top of the replayed head", async () => {
    chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    const [raw] = await signTransfers(chain.operators.relayer, chain.chainId, 20, 1);
    const hash = await sendRaw(chain.rpcUrl, raw);
    const receipt = await until("receipt", () => receiptOf(chain!.rpcUrl, hash).then((r) => r ?? undefined));
    expect(Number(receipt.blockNumber)).to.equal(announced.length + 1);
    const block = (await getBlock(chain.rpcUrl, announced.length + 1))!;
    expect(block.parentHash).to.equal(announced.at(-1));
    announced.push(block.hash);
  });

  it("refuses a second node on the same data dir", async () => {
    chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    let error: Error | undefined;
    await startChain({ dataDir, port: 0 }).then((c) => c.stop(), (e) => (error = e));
    expect(error?.message).to.contain("in use by another process");
  });

  it("refuses to start with another chain id than the journal's", async () => {
    const error = await startChain({ dataDir, port: 0, chainId: 31337n }).then((c) => c.stop(), (e: Error) => e);
    expect((error as Error).message).to.contain("holds chain 1970433637, not 31337");
  });

  describe("refuses to serve a tampered journal, naming the block", () => {
    const tamper = async (n: number, edit: (r: BlockRecord) => void) => {
      const db = new Level<string, BlockRecord>(path.join(dataDir, "chain"), { valueEncoding: "json" });
      const original = (await db.get(blockKey(n)))!;
      const changed = structuredClone(original);
      edit(changed);
      await db.put(blockKey(n), changed);
      await db.close();
      return async () => {
        const restore = new Level<string, BlockRecord>(path.join(dataDir, "chain"), { valueEncoding: "json" });
        await restore.put(blockKey(n), original);
        await restore.close();
      };
    };
    const expectRefusal = async (n: number) => {
      const error = (await startChain({ dataDir, port: 0 }).then((c) => c.stop(), (e: Error) => e)) as Error & { code?: string };
      expect(error, "start must fail").to.be.instanceOf(Error);
      expect(error.code).to.equal("ERR_CHAIN_REPLAY_MISMATCH");
      expect(error.message).to.contain(`at block ${n}:`);
      expect(error.message).to.contain(announced[n - 1]);
      return error;
    };

    it("if a block's timestamp was changed", async () => {
      const restore = await tamper(3, (r) => (r.timestamp += 1));
      try {
        const error = await expectRefusal(3);
        expect(error.message).to.match(/replay gives 0x[0-9a-f]{64}/);
      } finally {
        await restore();
      }
    });

    it("if a block's transaction was replaced by another validly signed one", async () => {
      // Same sender, same nonce, another value: a transaction the sender really could have sent.
      const relayer = new Wallet(readOperatorKeys(dataDir)!.find((k) => k.name === "relayer")!.privateKey);
      const db = new Level<string, BlockRecord>(path.join(dataDir, "chain"), { valueEncoding: "json" });
      const original = Transaction.from((await db.get(blockKey(3)))!.transactions[0]);
      await db.close();
      const forged = await relayer.signTransaction({ ...original.toJSON(), value: 2n, signature: undefined, hash: undefined });
      const restore = await tamper(3, (r) => (r.transactions[0] = forged));
      try {
        await expectRefusal(3);
      } finally {
        await restore();
      }
    });

    it("if a transaction was dropped from a block", async () => {
      const restore = await tamper(4, (r) => r.transactions.pop());
      try {
        await expectRefusal(4);
      } finally {
        await restore();
      }
    });

    it("if a block's prevrandao does not follow the rule", async () => {
      const restore = await tamper(2, (r) => (r.prevRandao = "0x" + "00".repeat(32)));
      try {
        const error = await expectRefusal(2);
        expect(error.message).to.contain("prevRandao");
      } finally {
        await restore();
      }
    });

    it("if the genesis was changed (block 0)", async () => {
      const db = new Level<string, Genesis>(path.join(dataDir, "chain"), { valueEncoding: "json" });
      const original = (await db.get("genesis"))!;
      await db.put("genesis", { ...original, initialDate: original.initialDate - 1 });
      await db.close();
      try {
        const error = (await startChain({ dataDir, port: 0 }).then((c) => c.stop(), (e: Error) => e)) as Error & { code?: string };
        expect(error.code).to.equal("ERR_CHAIN_REPLAY_MISMATCH");
        expect(error.message).to.contain(`at block 0: journal says ${original.genesisHash}`);
      } finally {
        const restore = new Level<string, Genesis>(path.join(dataDir, "chain"), { valueEncoding: "json" });
        await restore.put("genesis", original);
        await restore.close();
      }
    });

    it("and starts again once the journal is restored", async () => {
      chain = await startChain({ dataDir, port: 0 });
      expect(chain.head().hash).to.equal(announced.at(-1));
    });
  });
});

async function fetchCode(rpcUrl: string, address: string) {
  const { rpcCall } = await import("../helpers/rpc.js");
  return rpcCall(rpcUrl, "eth_getCode", [address, "latest"]);
}
