// The ethereumjs engine (server/chain/engine/) must rebuild the committed EDR journal
// (test/vectors/chain-journal.json, scripts/make-chain-fixture.ts) to every recorded hash,
// the genesis' included, and refuse a changed one naming the block: the same bar as EDR's
// own test (test/chain/journal-fixture.test.ts).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex } from "@ethereumjs/util";
import { BlockEngine } from "../../../server/chain/engine/block-engine.js";
import { checkGenesis } from "../../../server/chain/genesis.js";
import { ReplayMismatchError } from "../../../server/chain/replay.js";
import type { BlockRecord } from "../../../server/chain/journal.js";
import type { ChainFixture } from "../../../scripts/make-chain-fixture.js";

const root = path.join(import.meta.dirname, "..", "..", "..");
const fixture = JSON.parse(readFileSync(path.join(root, "test/vectors/chain-journal.json"), "utf8")) as ChainFixture;

async function rebuild(blocks: BlockRecord[], genesis = fixture.genesis) {
  const engine = await BlockEngine.fromGenesis(checkGenesis(genesis));
  const hashes = [bytesToHex(engine.head.hash())];
  for (const record of blocks) hashes.push(bytesToHex((await engine.applyBlock(record)).block.hash()));
  return { engine, hashes };
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

describe("ethereumjs engine: the committed EDR journal", function () {
  it("rebuilds block 0 and every journaled block with EDR's hashes", async () => {
    const { hashes } = await rebuild(fixture.blocks);
    expect(hashes).to.deep.equal([fixture.genesis.genesisHash, ...fixture.blocks.map((b) => b.hash)]);
  });

  it("refuses the journal with one transaction byte changed, naming the block, and keeps its head", async () => {
    const blocks = structuredClone(fixture.blocks);
    const batch = blocks.findIndex((b) => b.transactions.some((tx) => tx.length > 5_000 && b.number > 4));
    const raw = blocks[batch].transactions[0];
    const at = raw.length - 400; // deep in a vote's payload or signature
    blocks[batch].transactions[0] = raw.slice(0, at) + (raw[at] === "0" ? "1" : "0") + raw.slice(at + 1);
    const engine = await BlockEngine.fromGenesis(checkGenesis(fixture.genesis));
    for (const record of blocks.slice(0, batch)) await engine.applyBlock(record);
    const error = await failure(engine.applyBlock(blocks[batch]));
    expect(error).to.be.instanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).blockNumber).to.equal(blocks[batch].number);
    // The refused block left nothing behind: the true one still builds on the same head.
    expect(bytesToHex((await engine.applyBlock(fixture.blocks[batch])).block.hash())).to.equal(fixture.blocks[batch].hash);
  });

  it("refuses a block whose transactions all run but whose hash differs (a later timestamp), and keeps its head", async () => {
    const engine = await BlockEngine.fromGenesis(checkGenesis(fixture.genesis));
    for (const record of fixture.blocks.slice(0, 4)) await engine.applyBlock(record);
    const later = { ...fixture.blocks[4], timestamp: fixture.blocks[4].timestamp + 1 };
    const error = await failure(engine.applyBlock(later));
    expect(error).to.be.instanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).blockNumber).to.equal(5);
    expect((error as ReplayMismatchError).actual).to.match(/^0x[0-9a-f]{64}$/);
    for (const record of fixture.blocks.slice(4)) await engine.applyBlock(record);
    expect(bytesToHex(engine.head.hash())).to.equal(fixture.blocks.at(-1)!.hash);
  });

  it("refuses a genesis whose record differs from the one that built the chain (block 0)", async () => {
    const genesis = { ...fixture.genesis, initialDate: fixture.genesis.initialDate + 1 };
    const error = await failure(rebuild([], genesis));
    expect(error).to.be.instanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).blockNumber).to.equal(0);
  });

  it("refuses a block that breaks the sealing rules, naming it", async () => {
    const wrongRandao = structuredClone(fixture.blocks);
    wrongRandao[2].prevRandao = wrongRandao[3].prevRandao;
    const error = await failure(rebuild(wrongRandao));
    expect((error as ReplayMismatchError).blockNumber).to.equal(3);
    expect((error as Error).message).to.contain("prevRandao");

    const backInTime = structuredClone(fixture.blocks);
    backInTime[4].timestamp = backInTime[3].timestamp - 1;
    expect(((await failure(rebuild(backInTime))) as ReplayMismatchError).blockNumber).to.equal(5);

    const dropped = structuredClone(fixture.blocks);
    dropped[5].transactions = [];
    expect(((await failure(rebuild(dropped))) as ReplayMismatchError).blockNumber).to.equal(6);
  });

  it("is pinned: package.json declares the exact ethereumjs versions the lock file installs", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
    const ours = Object.keys(pkg.dependencies).filter((name) => name.startsWith("@ethereumjs/"));
    expect(ours).to.include.members(["@ethereumjs/vm", "@ethereumjs/block", "@ethereumjs/common", "@ethereumjs/mpt", "@ethereumjs/statemanager", "@ethereumjs/tx"]);
    for (const name of ours) {
      expect(pkg.dependencies[name]).to.match(/^\d+\.\d+\.\d+$/, `${name}: an exact version, no range`);
      expect(lock.packages[`node_modules/${name}`].version).to.equal(pkg.dependencies[name], name);
    }
  });
});
