// Regression guard for the property the embedded chain exists for: a block announced is
// final. The node runs as a real child process and is killed with SIGKILL while
// transactions stream in; every block any client saw must come back, hash for hash.
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Interface, Wallet } from "ethers";
import { readOperatorKeys } from "../../server/chain/operator-keys.js";
import { BallotBoxAbi } from "../../protocol/generated/BallotBox.js";
import { freePort } from "../helpers/free-port.js";
import { startChainProcess, type ChainProcess } from "../helpers/chain-process.js";
import { rpcCall } from "../helpers/rpc.js";
import { getBlock, receiptOf, sendRaw, signTransfers, until } from "./transfers.js";

type Node = ChainProcess;

const startNode = (dataDir: string, port: number) => startChainProcess(dataDir, port);

describe("chain crash safety (child process, kill -9)", function () {
  this.timeout(180_000);
  let dataDir: string;
  const nodes: Node[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-crash-"));
  });
  after(async () => {
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill("SIGKILL");
    await Promise.all(nodes.map((n) => n.exited));
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps every block it announced across three SIGKILLs, and goes on", async () => {
    const port = await freePort();
    let node = await startNode(dataDir, port);
    nodes.push(node);
    const ballotBox = node.ballotBox;
    expect(ballotBox).to.match(/^0x[0-9a-fA-F]{40}$/);
    const keys = readOperatorKeys(dataDir)!;
    const senders = ["relayer", "organizer"].map((name) => new Wallet(keys.find((k) => k.name === name)!.privateKey));
    const chainId = BigInt((await rpcCall(node.rpcUrl, "eth_chainId", [])) as string);
    /** Every block any client saw: number → hash. */
    const seen = new Map<number, string>();
    const confirmed: string[] = [];

    for (let round = 0; round < 3; round++) {
      const rpcUrl = node.rpcUrl;
      let stop = false;
      let sent = 0;
      // Writers: each sender streams transfers, nonces from the chain's final state.
      const writers = senders.map(async (wallet) => {
        let nonce = Number(await rpcCall(rpcUrl, "eth_getTransactionCount", [wallet.address, "latest"]));
        while (!stop) {
          const raws = await signTransfers(wallet, chainId, nonce, 10);
          nonce += raws.length;
          for (const raw of raws) {
            if (stop) return;
            try {
              await sendRaw(rpcUrl, raw);
              sent++;
            } catch {
              return; // the node died under us: that is the point
            }
          }
        }
      });
      // Reader: every block the node reports is recorded as final, with a receipt or two.
      const reader = (async () => {
        let next = Math.max(0, ...seen.keys()) + 1;
        while (!stop) {
          try {
            const block = await getBlock(rpcUrl, next);
            if (block) {
              seen.set(next, block.hash);
              if (block.transactions[0]) {
                const receipt = await receiptOf(rpcUrl, block.transactions[0]);
                if (receipt?.blockHash === block.hash) confirmed.push(block.transactions[0]);
              }
              next++;
            } else await new Promise((r) => setTimeout(r, 5));
          } catch {
            return;
          }
        }
      })();
      const target = seen.size + 25;
      await until("blocks under load", async () => (seen.size >= target && sent > 0 ? true : undefined), 60_000);
      node.child.kill("SIGKILL"); // in the middle: writers and reader are mid-request
      expect(await node.exited).to.equal(null);
      stop = true;
      await Promise.all([...writers, reader]);

      node = await startNode(dataDir, port);
      nodes.push(node);
      expect(node.ballotBox, "BallotBox address survives").to.equal(ballotBox);
      for (const [n, hash] of seen) {
        const block = await getBlock(node.rpcUrl, n);
        expect(block?.hash, `block ${n} after kill ${round + 1}`).to.equal(hash);
      }
      for (const hash of confirmed) expect(await receiptOf(node.rpcUrl, hash), hash).to.not.equal(null);
    }
    expect(seen.size).to.be.greaterThanOrEqual(75);

    // The contract is intact and answers.
    expect(await rpcCall(node.rpcUrl, "eth_getCode", [ballotBox, "latest"])).to.not.equal("0x");
    const iface = new Interface(BallotBoxAbi);
    const count = await rpcCall(node.rpcUrl, "eth_call", [{ to: ballotBox, data: iface.encodeFunctionData("ballotCount") }, "latest"]);
    expect(BigInt(count as string)).to.equal(0n);

    // And the chain goes on with new transactions.
    const wallet = senders[0];
    const nonce = Number(await rpcCall(node.rpcUrl, "eth_getTransactionCount", [wallet.address, "latest"]));
    const [raw] = await signTransfers(wallet, chainId, nonce, 1);
    const hash = await sendRaw(node.rpcUrl, raw);
    const receipt = await until("receipt after restarts", () => receiptOf(node.rpcUrl, hash).then((r) => r ?? undefined));
    expect(Number(receipt.blockNumber)).to.be.greaterThan(Math.max(...seen.keys()));

    // A clean stop: SIGTERM closes the journal and exits 0.
    node.child.kill("SIGTERM");
    expect(await node.exited).to.equal(0);

    // Nothing secret was ever printed.
    const printed = nodes.flatMap((n) => n.output).join("");
    for (const k of keys) expect(printed).to.not.contain(k.privateKey.slice(2));
  });
});
