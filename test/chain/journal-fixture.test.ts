// The committed journal test/vectors/chain-journal.json (scripts/make-chain-fixture.ts, sealed
// by EDR before issue 13) must replay to its recorded block hashes on the engine package.json
// pins (@ethereumjs/* at exact versions: test/chain/engine/block-engine.test.ts holds the
// pins to the lock file). A dependency bump that changes how blocks are built would make
// every existing chain refuse to start; it fails here first, in CI, instead of on an
// operator's machine.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Interface } from "ethers";
import { bytesToHex } from "@ethereumjs/util";
import { BallotBoxAbi } from "../../protocol/generated/BallotBox.js";
import { DurableChain } from "../../server/chain/engine/durable-chain.js";
import { createEngineEvm } from "../../server/chain/engine/engine-rpc.js";
import { checkGenesis } from "../../server/chain/genesis.js";
import { Journal, type BlockRecord } from "../../server/chain/journal.js";
import { ReplayMismatchError } from "../../server/chain/replay.js";
import type { ChainFixture } from "../../scripts/make-chain-fixture.js";

const root = path.join(import.meta.dirname, "..", "..");
const fixture = JSON.parse(readFileSync(path.join(root, "test/vectors/chain-journal.json"), "utf8")) as ChainFixture;

/** The fixture's blocks journaled in a fresh data dir and built by the engine (its derived store rebuilt from the genesis). */
async function replay<T>(blocks: BlockRecord[], then: (chain: DurableChain, journal: Journal) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "urne-fixture-"));
  const journal = await Journal.open(path.join(dir, "chain"));
  try {
    await journal.putGenesis(checkGenesis(fixture.genesis));
    for (const block of blocks) await journal.appendBlock(block);
    const chain = await DurableChain.open({ location: path.join(dir, "chain-state"), journal, genesis: fixture.genesis });
    try {
      return await then(chain, journal);
    } finally {
      await chain.close();
    }
  } finally {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the committed chain journal (test/vectors/chain-journal.json)", function () {
  it("replays to every recorded block hash on the pinned engine", async () => {
    await replay(fixture.blocks, async (chain, journal) => {
      expect(chain.report.executed).to.equal(fixture.blocks.length); // each one checked against its recorded hash
    expect(Number(chain.head.header.number)).to.equal(fixture.blocks.length);
    expect(bytesToHex(chain.head.hash())).to.equal(fixture.blocks.at(-1)!.hash);
    const evm = createEngineEvm(chain, journal, fixture.genesis);

    // The journal exercises what production does: the three kinds, a rejection in a batch, a revote, a close.
    const iface = new Interface(BallotBoxAbi);
    const logs = (await evm.request({ method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "latest" }] })) as { topics: string[]; data: string }[];
    const events = logs.map((log) => iface.parseLog(log)?.name).filter(Boolean);
    expect(events.filter((e) => e === "BallotCreated")).to.have.length(3);
    expect(events.filter((e) => e === "VoteCast")).to.have.length(5);
    expect(events.filter((e) => e === "VoteRejected")).to.have.length(1);
    expect(events.filter((e) => e === "BallotClosed")).to.have.length(1);
    });
  });

  it("refuses the same journal with one transaction byte changed, naming the block", async () => {
    const blocks = structuredClone(fixture.blocks);
    const batch = blocks.findIndex((b) => b.transactions.some((tx) => tx.length > 5_000 && b.number > 4));
    const raw = blocks[batch].transactions[0];
    // A byte deep in the calldata (a vote's payload or signature), not the envelope.
    const at = raw.length - 400;
    blocks[batch].transactions[0] = raw.slice(0, at) + (raw[at] === "0" ? "1" : "0") + raw.slice(at + 1);
    const error = await replay(blocks, async () => undefined).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).blockNumber).to.equal(blocks[batch].number);
  });

  it("is built by one engine: no EDR is declared (ethereumjs' packages are pinned, block-engine.test.ts)", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.dependencies["@nomicfoundation/edr"]).to.equal(undefined);
    expect(pkg.dependencies["@ethereumjs/vm"]).to.match(/^\d+\.\d+\.\d+$/, "an exact version, no range");
  });
});
