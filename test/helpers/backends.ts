// The chain nodes every contract and chain suite runs against. Each backend starts a fresh
// node and hands out funded wallets; suites are written once:
//   for (const backend of testBackends()) describe(backend.name, () => { ... });
// URNE_TEST_BACKENDS=anvil,embedded (comma-separated names) restricts the list.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Wallet, getCreateAddress } from "ethers";
import { anvilWallet, startAnvil } from "./anvil.js";
import { startChain } from "../../server/chain/node.js";
import { OPERATOR_ROLES } from "../../server/chain/operator-keys.js";

export type TestChain = {
  /** JSON-RPC endpoint of the node (standard methods only are relied upon). */
  rpcUrl: string;
  /** Funded accounts, not connected to any provider. */
  wallets: Wallet[];
  stop(): Promise<void>;
};

export type TestBackend = { name: string; start(): Promise<TestChain> };

const WALLET_COUNT = 10;
const ANVIL_CHAIN_ID = 31337n;

const backends: TestBackend[] = [
  {
    name: "anvil",
    async start() {
      const anvil = await startAnvil();
      const wallets = Array.from({ length: WALLET_COUNT }, (_, i) => new Wallet(anvilWallet(i).privateKey));
      return { rpcUrl: anvil.rpcUrl, wallets, stop: anvil.stop };
    },
  },
  {
    // urne's own chain (server/chain), in process, on a throw-away data dir. Blank like
    // anvil (no BallotBox deployed). Same chain id as anvil and anvil's public test
    // account #0 funded and handed out first, so that a fixture deploys at the same
    // address on both nodes and test/vectors (bound to chain and contract) run on both.
    name: "embedded",
    async start() {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-embedded-"));
      const first = new Wallet(anvilWallet(0).privateKey);
      const chain = await startChain({
        dataDir, port: 0, blockIntervalMs: 20, chainId: ANVIL_CHAIN_ID, deploy: false,
        // The fixture's BallotBox (the first contract of anvil's account #0), served as the chain's own would be.
        otherBallotBoxes: [getCreateAddress({ from: first.address, nonce: 0 })],
        testAccounts: WALLET_COUNT - 1 - OPERATOR_ROLES.length, fundAddresses: [first.address],
      });
      return {
        rpcUrl: chain.rpcUrl,
        wallets: [first, ...chain.wallets],
        stop: async () => {
          await chain.stop();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

export function testBackends(): TestBackend[] {
  const only = process.env.URNE_TEST_BACKENDS?.split(",").map((s) => s.trim()).filter(Boolean);
  return only ? backends.filter((b) => only.includes(b.name)) : backends;
}
