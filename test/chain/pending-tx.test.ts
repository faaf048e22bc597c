// A transaction waiting in the mempool is visible by hash, with blockNumber null, as geth
// shows it: the relay (server/relay/submitter.ts #retryVanished) asks exactly this before
// sending a transaction again. Once sealed, the same lookup gives its (journaled) block.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startChain, type Chain } from "../../server/chain/node.js";
import { relayProvider } from "../../server/relay/provider.js";
import { rpcCall } from "../helpers/rpc.js";
import { sendRaw, signTransfers } from "./transfers.js";

describe("chain node: waiting transactions by hash", () => {
  let dataDir: string;
  let chain: Chain;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-pending-"));
    // No timer seal during the test: blocks are sealed by hand.
    chain = await startChain({ dataDir, port: 0, blockIntervalMs: 3_600_000 });
  });
  after(async () => {
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers eth_getTransactionByHash for a mempool transaction with blockNumber null, then with its block", async () => {
    const wallet = chain.wallets[0];
    const nonce = Number(await rpcCall(chain.rpcUrl, "eth_getTransactionCount", [wallet.address, "pending"]));
    const [raw] = await signTransfers(wallet, chain.chainId, nonce, 1);
    const hash = await sendRaw(chain.rpcUrl, raw);
    const head = chain.head().number;

    const waiting = (await rpcCall(chain.rpcUrl, "eth_getTransactionByHash", [hash])) as Record<string, unknown>;
    expect(waiting).to.include({ hash, blockHash: null, blockNumber: null, transactionIndex: null, nonce: `0x${nonce.toString(16)}` });
    expect(String(waiting.from).toLowerCase()).to.equal(wallet.address.toLowerCase());
    expect(await rpcCall(chain.rpcUrl, "eth_getTransactionReceipt", [hash])).to.equal(null);
    expect(chain.head().number).to.equal(head); // looking did not seal anything

    // What the relay itself sees, through its provider.
    const provider = await relayProvider(chain.rpcUrl);
    try {
      const tx = await provider.getTransaction(hash);
      expect(tx?.hash).to.equal(hash);
      expect(tx?.blockNumber).to.equal(null);

      await chain.sealPending();
      const block = chain.head();
      expect(block.number).to.equal(head + 1);
      const mined = (await rpcCall(chain.rpcUrl, "eth_getTransactionByHash", [hash])) as Record<string, unknown>;
      expect(mined.blockNumber).to.equal(`0x${block.number.toString(16)}`);
      expect((await provider.getTransaction(hash))?.blockNumber).to.equal(block.number);
    } finally {
      provider.destroy();
    }
  });

  it("answers null for a hash it never received", async () => {
    expect(await rpcCall(chain.rpcUrl, "eth_getTransactionByHash", [`0x${"ab".repeat(32)}`])).to.equal(null);
  });
});
