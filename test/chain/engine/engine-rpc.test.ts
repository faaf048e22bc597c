// The ethereumjs engine's JSON-RPC answers (server/chain/engine/engine-rpc.ts) against
// EDR's on the same chains, field by field: the committed journal (deployment, the three
// ballot kinds, a batch with a rejected vote, a revote, a close, a transfer) and a chain
// of transaction types 0, 1 (with an access list) and 2, with a reverted contract creation.
// EDR ran urne's chain until issue 13; its answers were recorded once, before it was
// removed, in test/vectors/edr-answers.json: a request it was not asked answers an error
// here, so the engine must answer exactly what EDR answered to every request below.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Interface, id } from "ethers";
import { BallotBoxAbi } from "../../../protocol/generated/BallotBox.js";
import { DurableChain } from "../../../server/chain/engine/durable-chain.js";
import { createEngineEvm, type Evm } from "../../../server/chain/engine/engine-rpc.js";
import type { Genesis } from "../../../server/chain/genesis.js";
import { Journal, type BlockRecord } from "../../../server/chain/journal.js";
import { RpcError } from "../../../server/chain/rpc-error.js";
import type { ChainFixture } from "../../../scripts/make-chain-fixture.js";

const root = path.join(import.meta.dirname, "..", "..", "..");
const fixture = JSON.parse(readFileSync(path.join(root, "test/vectors/chain-journal.json"), "utf8")) as ChainFixture;

type Recorded = { result?: unknown; error?: { code: number; message: string; data?: unknown } };
const edrAnswers = JSON.parse(readFileSync(path.join(root, "test/vectors/edr-answers.json"), "utf8")) as {
  committed: Record<string, Recorded>; calls: Record<string, Recorded>;
  types: { genesis: Genesis; records: BlockRecord[]; alice: string; answers: Record<string, Recorded> };
};

/** EDR as recorded: the answer it gave to this very request, or a failure naming a request it was never asked. */
function recordedEdr(answers: Record<string, Recorded>): Evm {
  return {
    engine: "EDR, as recorded",
    async request({ method, params = [] }) {
      const key = `${method} ${JSON.stringify(params)}`;
      const answer = answers[key];
      if (answer === undefined) throw new Error(`no EDR answer was recorded for ${key}`);
      if (answer.error) throw new RpcError(answer.error.code, answer.error.message, answer.error.data as string | undefined);
      return answer.result;
    },
  };
}

type Pair = { edr: Evm; ours: Evm; records: BlockRecord[]; close(): Promise<void> };

async function pairOf(genesis: Genesis, records: BlockRecord[], edr: Evm, opts: { stateHistory?: number } = {}): Promise<Pair> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "urne-engine-rpc-"));
  const journal = await Journal.open(path.join(dir, "chain"));
  await journal.putGenesis(genesis);
  for (const r of records) await journal.appendBlock(r);
  const chain = await DurableChain.open({ location: path.join(dir, "chain-state"), journal, genesis, stateHistory: opts.stateHistory });
  return {
    edr, ours: createEngineEvm(chain, journal, genesis), records,
    async close() {
      await chain.close();
      await journal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function same(pair: Pair, method: string, params: unknown[]) {
  const edr = await pair.edr.request({ method, params });
  const ours = await pair.ours.request({ method, params });
  expect(ours, `${method} ${JSON.stringify(params)}`).to.deep.equal(edr);
  return edr;
}

/** Every read a node answers about the chain, both ways. */
async function compareEverything(pair: Pair, accounts: string[]) {
  const head = pair.records.length;
  for (const m of ["eth_chainId", "net_version", "eth_blockNumber"]) await same(pair, m, []);
  const txHashes: string[] = [];
  for (let n = 0; n <= head; n++) {
    for (const full of [false, true]) {
      const block = (await same(pair, "eth_getBlockByNumber", [`0x${n.toString(16)}`, full])) as { hash: string; transactions: string[] };
      await same(pair, "eth_getBlockByHash", [block.hash, full]);
      if (!full) txHashes.push(...block.transactions);
    }
  }
  await same(pair, "eth_getBlockByNumber", ["latest", true]);
  await same(pair, "eth_getBlockByNumber", [`0x${(head + 1).toString(16)}`, false]);
  await same(pair, "eth_getBlockByHash", [`0x${"12".repeat(32)}`, false]);
  for (const hash of txHashes) {
    await same(pair, "eth_getTransactionByHash", [hash]);
    await same(pair, "eth_getTransactionReceipt", [hash]);
  }
  await same(pair, "eth_getTransactionByHash", [`0x${"34".repeat(32)}`]);
  await same(pair, "eth_getTransactionReceipt", [`0x${"34".repeat(32)}`]);
  const all = (await same(pair, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }])) as { address: string; topics: string[]; blockHash: string }[];
  if (all.length > 0) {
    await same(pair, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: all[0].address }]);
    await same(pair, "eth_getLogs", [{ fromBlock: "0x1", toBlock: `0x${head.toString(16)}`, topics: [all.at(-1)!.topics[0]] }]);
    await same(pair, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", topics: [null, all[0].topics[1] ?? null] }]);
    await same(pair, "eth_getLogs", [{ blockHash: all.at(-1)!.blockHash }]);
  }
  const contracts = [...new Set(all.map((l) => l.address))];
  for (const address of [...accounts, ...contracts, `0x${"56".repeat(20)}`]) {
    await same(pair, "eth_getBalance", [address, "latest"]);
    await same(pair, "eth_getTransactionCount", [address, "latest"]);
    await same(pair, "eth_getCode", [address, "latest"]);
    for (let slot = 0; slot < 8; slot++) await same(pair, "eth_getStorageAt", [address, `0x${slot.toString(16)}`, "latest"]);
  }
  return all;
}

const rpcFailure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as RpcError);

describe("ethereumjs engine: JSON-RPC answers, field by field against EDR's (recorded)", function () {
  this.timeout(120_000);

  it("the committed journal: blocks, transactions, receipts, logs and the head's state", async () => {
    const pair = await pairOf(fixture.genesis, fixture.blocks, recordedEdr(edrAnswers.committed));
    try {
      const logs = await compareEverything(pair, fixture.genesis.accounts.map((a) => a.address));
      const iface = new Interface(BallotBoxAbi);
      expect(logs.map((l) => iface.parseLog(l as never)?.name)).to.include.members(["BallotCreated", "VoteCast", "VoteRejected", "BallotClosed"]);
      await same(pair, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", topics: [id("NotAnEvent()")] }]);
    } finally {
      await pair.close();
    }
  });

  it("transaction types 0, 1 and 2 and a reverted creation", async () => {
    const { genesis, records, alice, answers } = edrAnswers.types;
    const pair = await pairOf(genesis, records, recordedEdr(answers));
    try {
      await compareEverything(pair, [alice, `0x${"78".repeat(20)}`]);
    } finally {
      await pair.close();
    }
  });

  it("eth_call and eth_estimateGas: results, reverts (code, message, data) and estimates as EDR's", async () => {
    const pair = await pairOf(fixture.genesis, fixture.blocks, recordedEdr(edrAnswers.calls));
    try {
      const iface = new Interface(BallotBoxAbi);
      const box = ((await pair.edr.request({ method: "eth_getTransactionReceipt", params: [(await pair.edr.request({ method: "eth_getBlockByNumber", params: ["0x1", false] }) as { transactions: string[] }).transactions[0]] })) as { contractAddress: string }).contractAddress;
      const [admin, organizer, relayer] = fixture.genesis.accounts.map((a) => a.address);
      const stranger = `0x${"9a".repeat(20)}`;
      const organizerRole = iface.decodeFunctionResult("ORGANIZER_ROLE", (await pair.edr.request({ method: "eth_call", params: [{ to: box, data: iface.encodeFunctionData("ORGANIZER_ROLE") }, "latest"] })) as string)[0];
      const calls: Record<string, unknown>[] = [
        { to: box, data: iface.encodeFunctionData("ballotCount") },
        { to: box, data: iface.encodeFunctionData("ballot", [1]) },
        { to: box, data: iface.encodeFunctionData("tally", [1]) },
        { to: box, data: iface.encodeFunctionData("tally", [3]) },
        { to: box, data: iface.encodeFunctionData("votersCount", [2]) },
        { to: box, data: iface.encodeFunctionData("eip712Domain") },
        { to: box, data: iface.encodeFunctionData("hasRole", [organizerRole, admin]) },
        { to: box, data: iface.encodeFunctionData("tokenMessage", [1, stranger]) },
        { to: box, data: iface.encodeFunctionData("voteDigest", [1, 0, "0x00"]) },
        { to: box, from: admin, data: iface.encodeFunctionData("closeBallot", [1, 1]) },
        // Reverts: custom errors with arguments, and no reason at all.
        { to: box, from: admin, data: iface.encodeFunctionData("closeBallot", [2, 1]) },
        { to: box, from: stranger, data: iface.encodeFunctionData("closeBallot", [1, 1]) },
        { to: box, from: relayer, data: iface.encodeFunctionData("castVotes", [[]]) },
        { data: "0x60006000fd" },
        // A transfer, a call to nobody, a contract creation returning its code.
        { from: organizer, to: stranger, value: "0x1234" },
        { from: organizer, to: stranger, data: "0xdeadbeef" },
        { to: stranger },
        { from: organizer, data: "0x602a600355600160006000f3" },
      ];
      const outcome = async (evm: Evm, method: string, call: unknown) =>
        evm.request({ method, params: method === "eth_call" ? [call, "latest"] : [call] }).then(
          (result) => ({ result }),
          (e: RpcError) => ({ code: e.code, message: e.message, data: e.data }),
        );
      let reverted = 0;
      for (const call of calls) {
        for (const method of ["eth_call", "eth_estimateGas"]) {
          const edr = await outcome(pair.edr, method, call);
          const ours = await outcome(pair.ours, method, call);
          expect(ours, `${method} ${JSON.stringify(call)}`).to.deep.equal(edr);
          if ("code" in edr) reverted++;
        }
      }
      expect(reverted).to.equal(8); // four reverting calls, each by both methods
    } finally {
      await pair.close();
    }
  });

  it("reads the state of the blocks it keeps, refuses older ones naming what is kept, and methods it does not serve", async () => {
    const pair = await pairOf(fixture.genesis, fixture.blocks, recordedEdr({}), { stateHistory: 3 });
    try {
      const address = fixture.genesis.accounts[0].address;
      const balance = async (n: number) => pair.ours.request({ method: "eth_getBalance", params: [address, `0x${n.toString(16)}`] });
      // The operator pays for every block's transactions: its balance differs from block to block.
      const kept = await Promise.all([5, 6, 7, 8].map(balance));
      expect(new Set(kept).size).to.be.greaterThan(1);
      expect(kept[3]).to.equal(await pair.ours.request({ method: "eth_getBalance", params: [address, "latest"] }));
      const refusal = await rpcFailure(pair.ours.request({ method: "eth_getBalance", params: [address, "0x4"] }));
      expect(refusal?.code).to.equal(-32000);
      expect(refusal?.message).to.equal("this node keeps the state of blocks 5 to 8 only (its head and the 3 before it); block 4 was asked");
      expect((await rpcFailure(pair.ours.request({ method: "eth_call", params: [{ to: address }, "0x2"] })))?.code).to.equal(-32000);
      expect((await rpcFailure(pair.ours.request({ method: "eth_getStorageAt", params: [address, "0x0", "0x9"] })))?.message).to.equal("header for block 9 not found (the head is block 8)");
      expect((await rpcFailure(pair.ours.request({ method: "evm_mine", params: [] })))?.code).to.equal(-32601);
    } finally {
      await pair.close();
    }
  });

  it("answers eth_call at a kept block on that block's state, in that block's environment", async () => {
    const pair = await pairOf(fixture.genesis, fixture.blocks, recordedEdr({}));
    try {
      // NUMBER, TIMESTAMP and BALANCE(operator) of the block the call runs in, as three words.
      const address = fixture.genesis.accounts[0].address;
      const code = `0x4360005242602052` + `73${address.slice(2).toLowerCase()}` + "3160405260606000f3"; // PUSH20 address, BALANCE, MSTORE at 0x40, RETURN 96 bytes
      for (const n of [3, 6]) {
        const answer = (await pair.ours.request({ method: "eth_call", params: [{ data: code }, `0x${n.toString(16)}`] })) as string;
        const block = (await pair.ours.request({ method: "eth_getBlockByNumber", params: [`0x${n.toString(16)}`, false] })) as { timestamp: string };
        const words = [0, 1, 2].map((i) => BigInt("0x" + answer.slice(2 + 64 * i, 66 + 64 * i)));
        expect(words[0]).to.equal(BigInt(n));
        expect(words[1]).to.equal(BigInt(block.timestamp));
        expect(words[2]).to.equal(BigInt((await pair.ours.request({ method: "eth_getBalance", params: [address, `0x${n.toString(16)}`] })) as string));
      }
    } finally {
      await pair.close();
    }
  });
});
