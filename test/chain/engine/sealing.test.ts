// Blocks sealed by the ethereumjs engine (DurableChain.seal: the sealer's path) are
// journaled first and written to the derived store after; a fresh engine's replay of that
// journal gives the same hashes (sealing and replay agree; EDR, which urne ran before, replayed
// such journals to the same hashes too, checked here until it was removed),
// what a block cannot hold is left out with the reason, and a failed journal write leaves
// nothing of the block anywhere.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, hexlify, randomBytes } from "ethers";
import { bytesToHex } from "@ethereumjs/util";
import { DurableChain } from "../../../server/chain/engine/durable-chain.js";
import { BlockEngine } from "../../../server/chain/engine/block-engine.js";
import { newGenesis, type Genesis } from "../../../server/chain/genesis.js";
import { Journal } from "../../../server/chain/journal.js";

describe("ethereumjs engine: sealing blocks", function () {
  this.timeout(60_000);
  let dir: string;
  let journal: Journal;
  let genesis: Genesis;
  const alice = new Wallet(hexlify(randomBytes(32)));
  const poor = new Wallet(hexlify(randomBytes(32)));

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "urne-engine-seal-"));
    const g = newGenesis({ accounts: [alice.address] });
    // The genesis hash is the engine's own block 0 (as a new chain records it).
    g.genesisHash = bytesToHex((await BlockEngine.fromGenesis(g)).head.hash());
    genesis = g;
    journal = await Journal.open(path.join(dir, "chain"));
    await journal.putGenesis(genesis);
  });

  afterEach(async () => {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  const transfer = (from: Wallet, nonce: number, value = 1n) =>
    from.signTransaction({ type: 2, chainId: BigInt(genesis.chainId), nonce, to: `0x${"ab".repeat(20)}`, value, gasLimit: 21_000n, maxFeePerGas: 1_000_000_000n, maxPriorityFeePerGas: 1n });

  it("journals what it seals; a fresh engine replays the journal to the same hashes; the store reopens at the head", async () => {
    const chain = await DurableChain.open({ location: path.join(dir, "chain-state"), journal, genesis });
    const t0 = genesis.initialDate;
    const first = await chain.seal([await transfer(alice, 0), await transfer(alice, 2), await transfer(poor, 0), "0x01", await transfer(alice, 1)], t0 + 1, journal);
    expect(first.record.transactions.length).to.equal(2); // nonces 0 and 1
    expect(first.leftOut.map((l) => l.reason).join(" | ")).to.match(/nonce/i).and.match(/balance|funds|cost/i);
    expect(first.leftOut).to.have.length(3);
    const second = await chain.seal([await transfer(alice, 2), await transfer(alice, 3)], t0 + 1, journal);
    expect(second.record.transactions.length).to.equal(2);
    await chain.seal([], t0 + 5, journal);
    expect(journal.head).to.equal(3);
    await chain.close();

    const records = [];
    for await (const r of journal.blocks(1)) records.push(r);
    const fresh = await BlockEngine.fromGenesis(genesis);
    for (const record of records) await fresh.applyBlock(record); // each checked against its journaled hash
    expect(bytesToHex(fresh.head.hash())).to.equal(records.at(-1)!.hash);

    const reopened = await DurableChain.open({ location: path.join(dir, "chain-state"), journal, genesis });
    expect(reopened.report).to.deep.equal({ checkedHeaders: 4, executed: 0 });
    await reopened.close();
  });

  it("leaves nothing of a block whose journal write fails, and seals the same block again after", async () => {
    const chain = await DurableChain.open({ location: path.join(dir, "chain-state"), journal, genesis });
    const head0 = bytesToHex(chain.head.hash());
    const failing = { appendBlock: async () => Promise.reject(new Error("disk full")) };
    const error = await chain.seal([await transfer(alice, 0)], genesis.initialDate + 1, failing).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal("disk full");
    expect(bytesToHex(chain.head.hash())).to.equal(head0);
    expect(await chain.derived.head()).to.deep.equal({ number: 0, hash: head0 });
    const again = await chain.seal([await transfer(alice, 0)], genesis.initialDate + 1, journal);
    expect(again.record.transactions).to.have.length(1);
    expect(bytesToHex(chain.head.hash())).to.equal(again.record.hash);
    expect((await chain.checkState()).accounts).to.be.greaterThan(2);
    await chain.close();
  });
});
