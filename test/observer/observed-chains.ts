// Real nodes the observer tests watch, with what the tests need to make their histories
// differ: a twin (a second node that shares the history so far, then goes its own way) and
// a rewrite (history after a block replaced by other transactions). Both backends of
// test/helpers/backends.ts, each the way its operators would do it: the embedded chain by
// copying its data dir / restarting it from a truncated journal, anvil by forking it /
// reverting to a snapshot.
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { Wallet } from "ethers";
import { anvilBinary, anvilWallet, startAnvil } from "../helpers/anvil.js";
import { freePort } from "../helpers/free-port.js";
import { rpcCall } from "../helpers/rpc.js";
import { startChain, type Chain } from "../../server/chain/node.js";
import { blockKey } from "../../server/chain/journal.js";
import { OPERATOR_ROLES } from "../../server/chain/operator-keys.js";
import { receiptOf, signTransfers, sendRaw, until } from "../chain/transfers.js";
import toolchain from "../../contracts/toolchain.json" with { type: "json" };

export type Twin = { rpcUrl: string; stop(): Promise<void> };

export type ObservedChain = {
  name: string;
  rpcUrl: string;
  wallets: Wallet[];
  /** Sends `count` transfers (to `to`) and waits until they are in a block; returns the head. */
  transact(count?: number, to?: string): Promise<number>;
  head(): Promise<number>;
  twin(): Promise<Twin>;
  /** Marks the current head; `rewrite` later replaces what came after it. */
  checkpoint(): Promise<unknown>;
  rewrite(checkpoint: unknown): Promise<void>;
  stop(): Promise<void>;
};

const CHAIN_ID = 31337n;
const WALLET_COUNT = 10;
/** anvil's last test account; the embedded chain funds it too. */
const SENDER = () => new Wallet(anvilWallet(WALLET_COUNT - 1).privateKey);

export async function head(rpcUrl: string): Promise<number> {
  return Number(BigInt((await rpcCall(rpcUrl, "eth_blockNumber", [])) as string));
}

/** Transfers from a sender every node here funds, on any node; returns the node's head once mined. */
export async function transfer(rpcUrl: string, count: number, to: string, from: Wallet = SENDER()): Promise<number> {
  const nonce = Number(BigInt((await rpcCall(rpcUrl, "eth_getTransactionCount", [from.address, "latest"])) as string));
  const raws = await signTransfers(from, CHAIN_ID, nonce, count, to);
  const hashes: string[] = [];
  for (const raw of raws) hashes.push(await sendRaw(rpcUrl, raw));
  await until("transfers mined", async () => ((await receiptOf(rpcUrl, hashes.at(-1)!)) ? true : undefined));
  return head(rpcUrl);
}


export async function startEmbeddedChain(): Promise<ObservedChain> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-observed-"));
  const port = await freePort();
  const first = new Wallet(anvilWallet(0).privateKey);
  const options = (dir: string, p: number) => ({
    dataDir: dir, port: p, blockIntervalMs: 20, chainId: CHAIN_ID, deploy: false,
    testAccounts: WALLET_COUNT - 1 - OPERATOR_ROLES.length, fundAddresses: [first.address, SENDER().address],
  });
  let chain: Chain = await startChain(options(dataDir, port));
  const wallets = [first, ...chain.wallets];
  const twins: string[] = [];
  const self: ObservedChain = {
    name: "embedded",
    rpcUrl: chain.rpcUrl,
    wallets,
    transact: (count = 1, to = "0x000000000000000000000000000000000000dEaD") => transfer(chain.rpcUrl, count, to),
    head: () => head(chain.rpcUrl),
    async twin() {
      // A copy of the data dir is the same chain up to now; each copy then seals its own blocks.
      await chain.stop();
      const copy = await mkdtemp(path.join(os.tmpdir(), "urne-observed-twin-"));
      twins.push(copy);
      await cp(dataDir, copy, { recursive: true });
      chain = await startChain(options(dataDir, port));
      const other = await startChain(options(copy, 0));
      return { rpcUrl: other.rpcUrl, stop: () => other.stop() };
    },
    checkpoint: () => head(chain.rpcUrl),
    async rewrite(checkpoint) {
      // The operator restores an older journal (or truncates it): the blocks after it are gone,
      // and the node, restarted on the same address, seals other blocks in their place.
      await chain.stop();
      const db = new Level<string, unknown>(path.join(dataDir, "chain"), { valueEncoding: "json" });
      await db.open();
      const batch = db.batch();
      for await (const key of db.keys({ gt: blockKey(checkpoint as number), lte: blockKey(Number.MAX_SAFE_INTEGER) })) batch.del(key);
      await batch.write();
      await db.close();
      chain = await startChain(options(dataDir, port));
    },
    async stop() {
      try {
        await chain.stop();
      } finally {
        for (const dir of [dataDir, ...twins]) await rm(dir, { recursive: true, force: true });
      }
    },
  };
  return self;
}

export async function startAnvilChain(): Promise<ObservedChain> {
  const anvil = await startAnvil();
  const wallets = Array.from({ length: WALLET_COUNT }, (_, i) => new Wallet(anvilWallet(i).privateKey));
  const forks: Twin[] = [];
  return {
    name: "anvil",
    rpcUrl: anvil.rpcUrl,
    wallets,
    transact: (count = 1, to = "0x000000000000000000000000000000000000dEaD") => transfer(anvil.rpcUrl, count, to),
    head: () => head(anvil.rpcUrl),
    async twin() {
      // A fork serves the original's blocks up to the fork point, then mines its own.
      const port = await freePort();
      const child = spawn(anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--fork-url", anvil.rpcUrl, "--chain-id", String(CHAIN_ID), "--hardfork", toolchain.evmVersion, "--silent"], { stdio: "ignore" });
      const rpcUrl = `http://127.0.0.1:${port}`;
      await until("anvil fork up", async () => ((await rpcCall(rpcUrl, "eth_blockNumber", [])) ? true : undefined), 20_000, 50);
      const twin = { rpcUrl, stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGTERM")))) };
      forks.push(twin);
      return twin;
    },
    checkpoint: () => rpcCall(anvil.rpcUrl, "evm_snapshot", []),
    async rewrite(checkpoint) {
      if ((await rpcCall(anvil.rpcUrl, "evm_revert", [checkpoint])) !== true) throw new Error("anvil refused evm_revert");
    },
    async stop() {
      for (const f of forks) await f.stop();
      await anvil.stop();
    },
  };
}

export const observedChains = (): { name: string; start(): Promise<ObservedChain> }[] => {
  const only = process.env.URNE_TEST_BACKENDS?.split(",").map((s) => s.trim()).filter(Boolean);
  const all = [{ name: "anvil", start: startAnvilChain }, { name: "embedded", start: startEmbeddedChain }];
  return only ? all.filter((b) => only.includes(b.name)) : all;
};
