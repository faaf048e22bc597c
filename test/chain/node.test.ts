import { expect } from "chai";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { NodeProvider, nodeChainId } from "../../server/chain/node-provider.js";
import { startChain } from "../../server/chain/node.js";
import { OPERATOR_KEYS_FILE, OPERATOR_ROLES } from "../../server/chain/operator-keys.js";
import { testBackends } from "../helpers/backends.js";
import { rpcCall } from "../helpers/rpc.js";
import { SINK } from "./transfers.js";

describe("chain node", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-node-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates the chain with its BallotBox deployed in block 1, by the admin operator", async () => {
    const chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    try {
      expect(chain.chainId).to.equal(1970433637n);
      expect(chain.deployment).to.include({ blockNumber: 1, chainId: "1970433637", admin: chain.operators.admin.address });
      const receipt = (await rpcCall(chain.rpcUrl, "eth_getTransactionReceipt", [chain.deployment!.txHash])) as { contractAddress: string; from: string };
      expect(receipt.contractAddress.toLowerCase()).to.equal(chain.deployment!.ballotBox.toLowerCase());
      expect(Object.keys(chain.operators)).to.deep.equal([...OPERATOR_ROLES]);
    } finally {
      await chain.stop();
    }
  });

  it("keeps operator keys out of the journal, in a 0600 file of a 0700 data dir", async () => {
    const fresh = path.join(dataDir, "fresh");
    const chain = await startChain({ dataDir: fresh, port: 0, deploy: false });
    await chain.stop();
    expect((await stat(path.join(fresh, OPERATOR_KEYS_FILE))).mode & 0o777).to.equal(0o600);
    expect((await stat(fresh)).mode & 0o777).to.equal(0o700);
    const db = new Level<string, unknown>(path.join(fresh, "chain"), { valueEncoding: "json" });
    const everything = JSON.stringify(await db.iterator().all());
    await db.close();
    for (const wallet of chain.wallets) {
      expect(everything).to.contain(wallet.address);
      expect(everything).to.not.contain(wallet.privateKey.slice(2));
    }
  });

  it("refuses an operator keys file others can read", async () => {
    const chain = await startChain({ dataDir, port: 0, deploy: false });
    await chain.stop();
    await chmod(path.join(dataDir, OPERATOR_KEYS_FILE), 0o644);
    const error = (await startChain({ dataDir, port: 0 }).then((c) => c.stop(), (e: Error) => e)) as Error;
    expect(error.message).to.contain("chmod 600");
  });

  it("still serves (and replays) its chain when the keys file is gone", async () => {
    const first = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    await first.stop();
    await rm(path.join(dataDir, OPERATOR_KEYS_FILE));
    const chain = await startChain({ dataDir, port: 0 });
    try {
      expect(chain.head().hash).to.equal(first.head().hash);
      expect(chain.wallets).to.deep.equal([]);
    } finally {
      await chain.stop();
    }
  });

  it("discards a half-created chain left by a crash during its first start", async () => {
    await mkdir(path.join(dataDir, "chain.init"), { recursive: true });
    await writeFile(path.join(dataDir, "chain.init", "CURRENT"), "garbage");
    const chain = await startChain({ dataDir, port: 0, blockIntervalMs: 20 });
    try {
      expect(chain.deployment?.blockNumber).to.equal(1);
      expect(await readdir(dataDir)).to.not.include("chain.init");
    } finally {
      await chain.stop();
    }
  });

  it("uses the chain id it was created with, and funds the test accounts asked for", async () => {
    const chain = await startChain({ dataDir, port: 0, chainId: 31337n, testAccounts: 2, deploy: false });
    try {
      expect(await rpcCall(chain.rpcUrl, "eth_chainId", [])).to.equal("0x7a69");
      expect(chain.wallets.map((w) => w.address)).to.have.length(OPERATOR_ROLES.length + 2);
      expect(Object.keys(chain.operators)).to.include("test-2");
      for (const w of chain.wallets) expect(await rpcCall(chain.rpcUrl, "eth_getBalance", [w.address, "latest"])).to.not.equal("0x0");
    } finally {
      await chain.stop();
    }
  });

  it("is offered to every suite as the \"embedded\" test backend", async () => {
    const backend = testBackends().find((b) => b.name === "embedded");
    if (!backend) return; // URNE_TEST_BACKENDS excluded it
    const node = await backend.start();
    const provider = new NodeProvider(node.rpcUrl, await nodeChainId(node.rpcUrl), { pollingIntervalMs: 20 });
    try {
      expect(node.wallets).to.have.length(10);
      const receipt = await (await node.wallets[9].connect(provider).sendTransaction({ to: SINK, value: 1n })).wait();
      expect(receipt?.status).to.equal(1);
    } finally {
      provider.destroy();
      await node.stop();
    }
  });
});
