// A chain of 1,000 votes (castVotes batches of 50, 100 revotes, 3 forged tokens rejected),
// sealed by the embedded chain (node.ts, sealing with the engine into its derived store),
// rebuilt from its journal alone by a fresh engine: every block hash, receipts root, receipt
// (status, gas, contract) and log the same as the sealing node wrote and serves. (Until
// issue 13 the chain was sealed by EDR and this compared the two engines; the committed
// EDR answers are held in engine-rpc.test.ts and journal-fixture.test.ts.)
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Interface } from "ethers";
import { bytesToHex } from "@ethereumjs/util";
import { BallotBoxAbi } from "../../../protocol/generated/BallotBox.js";
import { BlockEngine } from "../../../server/chain/engine/block-engine.js";
import { DurableChain } from "../../../server/chain/engine/durable-chain.js";
import { createEngineEvm } from "../../../server/chain/engine/engine-rpc.js";
import { Journal, type BlockRecord } from "../../../server/chain/journal.js";
import type { Genesis } from "../../../server/chain/genesis.js";
import { buildVoteChain } from "../../../scripts/bench/lib/vote-chain.js";

type RpcLog = { address: string; topics: string[]; data: string; blockNumber: string; transactionHash: string; transactionIndex: string; logIndex: string; blockHash: string };
type RpcReceipt = { status: string; gasUsed: string; cumulativeGasUsed: string; contractAddress: string | null; logs: RpcLog[] };

describe("ethereumjs engine: a 1,000-vote journal sealed by the chain node", function () {
  this.timeout(600_000);
  let dataDir: string;
  let genesis: Genesis;
  let records: BlockRecord[];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "urne-engine-votes-"));
    await buildVoteChain(dataDir, { votes: 1_000, revotes: 100, rejected: 3 });
    const journal = await Journal.open(path.join(dataDir, "chain"));
    genesis = (await journal.genesis())!;
    records = [];
    for await (const record of journal.blocks(1)) records.push(record);
    await journal.close();
  });

  after(() => rm(dataDir, { recursive: true, force: true }));

  it("rebuilds every block, receipt and log as the sealing node wrote them", async () => {
    const engine = await BlockEngine.fromGenesis(genesis);
    const ours: { hash: string; receiptsRoot: string; receipts: RpcReceipt[] }[] = [];
    let logIndex = 0;
    for (const record of records) {
      const { block, results } = await engine.applyBlock(record);
      const hash = bytesToHex(block.hash());
      logIndex = 0;
      ours.push({
        hash,
        receiptsRoot: bytesToHex(block.header.receiptTrie),
        receipts: results.map((r, i) => ({
          status: `0x${(r.receipt as { status: number }).status}`,
          gasUsed: `0x${r.totalGasSpent.toString(16)}`,
          cumulativeGasUsed: `0x${r.receipt.cumulativeBlockGasUsed.toString(16)}`,
          contractAddress: r.createdAddress?.toString() ?? null,
          logs: r.receipt.logs.map(([address, topics, data]) => ({
            address: bytesToHex(address), topics: topics.map(bytesToHex), data: bytesToHex(data),
            blockNumber: `0x${record.number.toString(16)}`, transactionHash: bytesToHex(block.transactions[i].hash()),
            transactionIndex: `0x${i.toString(16)}`, logIndex: `0x${(logIndex++).toString(16)}`, blockHash: hash,
          })),
        })),
      });
    }

    // What the sealing node wrote (its derived store, opened at its head: nothing executed again).
    const journal = await Journal.open(path.join(dataDir, "chain"));
    const sealed = await DurableChain.open({ location: path.join(dataDir, "chain-state"), journal, genesis });
    try {
      expect(sealed.report.executed).to.equal(0);
      await compare(createEngineEvm(sealed, journal, genesis), ours);
    } finally {
      await sealed.close();
      await journal.close();
    }
  });

  async function compare(edr: ReturnType<typeof createEngineEvm>, ours: { hash: string; receiptsRoot: string; receipts: RpcReceipt[] }[]) {
    const iface = new Interface(BallotBoxAbi);
    const events: Record<string, number> = {};
    for (const [i, record] of records.entries()) {
      const tag = `0x${record.number.toString(16)}`;
      const block = (await edr.request({ method: "eth_getBlockByNumber", params: [tag, false] })) as { hash: string; receiptsRoot: string; transactions: string[] };
      expect(ours[i].hash).to.equal(record.hash, `block ${record.number}`);
      expect(ours[i].receiptsRoot).to.equal(block.receiptsRoot, `block ${record.number}`);
      for (const [t, txHash] of block.transactions.entries()) {
        const r = (await edr.request({ method: "eth_getTransactionReceipt", params: [txHash] })) as RpcReceipt;
        const { status, gasUsed, cumulativeGasUsed, contractAddress } = r;
        const logs = r.logs.map(({ address, topics, data, blockNumber, transactionHash, transactionIndex, logIndex: li, blockHash }) => ({
          address, topics, data, blockNumber, transactionHash, transactionIndex, logIndex: li, blockHash,
        }));
        expect(ours[i].receipts[t]).to.deep.equal({ status, gasUsed, cumulativeGasUsed, contractAddress, logs }, `block ${record.number} tx ${t}`);
        for (const log of logs) {
          const name = iface.parseLog(log)?.name ?? "other";
          events[name] = (events[name] ?? 0) + 1;
        }
      }
    }
    // The journal holds what it was built to hold.
    expect(events.VoteCast).to.equal(1_100);
    expect(events.VoteRejected).to.equal(3);
  }
});
