// NodeProvider (server/chain/node-provider.ts): a wait for a transaction ends once the node
// serves its receipt, whenever that is, even when no block follows the transaction's.
import { expect } from "chai";
import { Wallet } from "ethers";
import { NodeProvider, nodeChainId } from "../../server/chain/node-provider.js";
import { anvilWallet, startAnvil, type Anvil } from "../helpers/anvil.js";
import { startLyingNode, type LyingNode } from "../helpers/lying-node.js";
import { rpcCall } from "../helpers/rpc.js";

describe("NodeProvider", function () {
  this.timeout(60_000);
  let anvil: Anvil;
  before(async () => (anvil = await startAnvil()));
  after(async () => anvil.stop());

  // anvil mines on demand: after the transaction's block, no other comes. A node whose receipt
  // index lags its head (or that answers eth_sendRawTransaction before it mines, as anvil and
  // geth in dev mode do) serves no receipt for the first lookups. ethers' stock provider then
  // waits for a next block that never comes: with it, this wait times out.
  it("ends a wait whose receipt the node serves late, with no block after the transaction's", async () => {
    const lookups = new Map<string, number>();
    const lagging: LyingNode = await startLyingNode(anvil.rpcUrl, (method, params, result) => {
      if (method !== "eth_getTransactionReceipt") return result;
      const hash = String(params[0]);
      const seen = (lookups.get(hash) ?? 0) + 1;
      lookups.set(hash, seen);
      return seen <= 2 ? null : result;
    });
    const provider = new NodeProvider(lagging.rpcUrl, anvil.chainId, { pollingIntervalMs: 20 });
    try {
      const sender = anvilWallet(5, provider);
      const head = Number(await rpcCall(anvil.rpcUrl, "eth_blockNumber", []));
      const tx = await sender.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
      const receipt = await tx.wait(1, 30_000);
      expect(receipt?.status).to.equal(1);
      expect(receipt?.blockNumber).to.equal(head + 1);
      expect(lookups.get(tx.hash)).to.be.greaterThan(2);
      // No block came after the transaction's: the wait did not need one.
      expect(Number(await rpcCall(anvil.rpcUrl, "eth_blockNumber", []))).to.equal(head + 1);
    } finally {
      provider.destroy();
      await lagging.close();
    }
  });

  it("stops asking for a receipt once the wait ends", async () => {
    let lookups = 0;
    const counting = await startLyingNode(anvil.rpcUrl, (method, _params, result) => {
      if (method === "eth_getTransactionReceipt") lookups++;
      return result;
    });
    const provider = new NodeProvider(counting.rpcUrl, anvil.chainId, { pollingIntervalMs: 20 });
    try {
      const tx = await anvilWallet(6, provider).sendTransaction({ to: Wallet.createRandom().address, value: 1n });
      await tx.wait();
      const after = lookups;
      // Ten polling intervals with no wait running: no more lookups.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lookups).to.equal(after);
    } finally {
      provider.destroy();
      await counting.close();
    }
  });

  it("reads a node's chain id, and names the URL of a node that does not answer", async () => {
    expect(await nodeChainId(anvil.rpcUrl)).to.equal(anvil.chainId);
    const notANode = await startLyingNode(anvil.rpcUrl, (method, _params, result) => (method === "eth_chainId" ? "urne" : result));
    try {
      const error = await nodeChainId(notANode.rpcUrl).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.equal(`the node at ${notANode.rpcUrl} does not answer eth_chainId`);
      expect(String((error?.cause as Error).message)).to.include('"urne"');
    } finally {
      await notANode.close();
    }
  });
});
