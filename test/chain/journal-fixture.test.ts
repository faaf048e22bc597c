// The committed journal test/vectors/chain-journal.json (scripts/make-chain-fixture.ts) must
// replay to its recorded block hashes on the engine package.json pins. A dependency bump that
// changes how EDR builds blocks would make every existing chain refuse to start; it fails here
// first, in CI, instead of on an operator's machine.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Interface } from "ethers";
import { BallotBoxAbi } from "../../protocol/generated/BallotBox.js";
import { createEvm } from "../../server/chain/evm.js";
import { checkGenesis } from "../../server/chain/genesis.js";
import { ReplayMismatchError, genesisHead, replayBlocks } from "../../server/chain/replay.js";
import type { ChainFixture } from "../../scripts/make-chain-fixture.js";

const root = path.join(import.meta.dirname, "..", "..");
const fixture = JSON.parse(readFileSync(path.join(root, "test/vectors/chain-journal.json"), "utf8")) as ChainFixture;

async function replay(blocks = fixture.blocks) {
  const genesis = checkGenesis(fixture.genesis);
  const evm = await createEvm(genesis);
  const head = await replayBlocks(evm, await genesisHead(evm, genesis), blocks);
  return { evm, ...head };
}

describe("the committed chain journal (test/vectors/chain-journal.json)", function () {
  it("replays to every recorded block hash on the pinned engine", async () => {
    const { evm, head, transactions } = await replay();
    expect(head.number).to.equal(fixture.blocks.length);
    expect(head.hash).to.equal(fixture.blocks.at(-1)!.hash);
    expect(transactions).to.equal(fixture.blocks.reduce((n, b) => n + b.transactions.length, 0));

    // The journal exercises what production does: the three kinds, a rejection in a batch, a revote, a close.
    const iface = new Interface(BallotBoxAbi);
    const logs = (await evm.request({ method: "eth_getLogs", params: [{ fromBlock: "0x0", toBlock: "latest" }] })) as { topics: string[]; data: string }[];
    const events = logs.map((log) => iface.parseLog(log)?.name).filter(Boolean);
    expect(events.filter((e) => e === "BallotCreated")).to.have.length(3);
    expect(events.filter((e) => e === "VoteCast")).to.have.length(5);
    expect(events.filter((e) => e === "VoteRejected")).to.have.length(1);
    expect(events.filter((e) => e === "BallotClosed")).to.have.length(1);
  });

  it("refuses the same journal with one transaction byte changed, naming the block", async () => {
    const blocks = structuredClone(fixture.blocks);
    const batch = blocks.findIndex((b) => b.transactions.some((tx) => tx.length > 5_000 && b.number > 4));
    const raw = blocks[batch].transactions[0];
    // A byte deep in the calldata (a vote's payload or signature), not the envelope.
    const at = raw.length - 400;
    blocks[batch].transactions[0] = raw.slice(0, at) + (raw[at] === "0" ? "1" : "0") + raw.slice(at + 1);
    const error = await replay(blocks).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).blockNumber).to.equal(blocks[batch].number);
  });

  it("is pinned: package.json declares the exact EDR version the lock file installs", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
    const declared: string = pkg.dependencies["@nomicfoundation/edr"];
    expect(declared).to.match(/^\d+\.\d+\.\d+(-[\w.]+)?$/, "an exact version, no range");
    expect(lock.packages["node_modules/@nomicfoundation/edr"].version).to.equal(declared);
  });
});
