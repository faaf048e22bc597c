// Both genesis formats and both hardforks the engine builds, sealed on EDR (recorded before
// EDR was removed: test/vectors/edr-answers.json, blockRules) and rebuilt with ethereumjs: format 1's EIP-1559 base fee (from 1 gwei, rising over a half-full block and
// falling after), format 2's zero base fee with gas target = limit (a block over half full
// leaves it at zero), and what a contract reads of its block (BLOCKHASH, PREVRANDAO,
// BASEFEE, TIMESTAMP, COINBASE, BLOBBASEFEE), stored so that the state root depends on it.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Wallet, hexlify, randomBytes } from "ethers";
import { bigIntToBytes, bytesToHex, createAddressFromString, setLengthLeft } from "@ethereumjs/util";
import { BlockEngine } from "../../../server/chain/engine/block-engine.js";
import { newGenesis, type Genesis } from "../../../server/chain/genesis.js";
import type { BlockRecord } from "../../../server/chain/journal.js";
import { ReplayMismatchError } from "../../../server/chain/replay.js";

// The recorded blocks (scratch generator, as this test built them before): block 1 creates a
// contract that SSTOREs slot 0..5 = BLOCKHASH(NUMBER-1), PREVRANDAO, BASEFEE, TIMESTAMP,
// COINBASE, BLOBBASEFEE and has transfers of types 0, 1 and 2; block 2 one MSTORE burning
// about 31 M gas (more than half the 60 M limit); block 3 that contract again and a
// reverting creation; block 4 empty; block 5 a transfer and the contract again (`contract`).
type Recorded = { format: 1 | 2; hardfork: string; genesis: Genesis; records: BlockRecord[]; baseFees: string[]; contract: string; storage: string[] };
const recorded = (JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "..", "vectors", "edr-answers.json"), "utf8")) as { blockRules: Recorded[] }).blockRules;

function journalFor(format: 1 | 2, hardfork: string): Recorded {
  const found = recorded.find((r) => r.format === format && r.hardfork === hardfork);
  if (!found) throw new Error(`no recorded EDR chain for format ${format}, ${hardfork}`);
  return structuredClone(found);
}

function genesisOf(format: 1 | 2, hardfork: string, accounts: string[]): Genesis {
  const g = newGenesis({ accounts, now: new Date(1_800_000_000_000) });
  g.hardfork = hardfork;
  if (format === 1) g.format = 1;
  return g;
}

describe("ethereumjs engine: block rules of each genesis format and hardfork, against EDR", function () {
  this.timeout(120_000);
  for (const [format, hardfork] of [[1, "prague"], [2, "prague"], [1, "cancun"], [2, "cancun"]] as const) {
    it(`format ${format}, ${hardfork}: the same block hashes and base fees as EDR`, async () => {
      const { genesis, records, baseFees: edrBaseFees, contract, storage } = journalFor(format, hardfork);
      const engine = await BlockEngine.fromGenesis(genesis);
      const baseFees: bigint[] = [];
      for (const record of records) {
        const { block } = await engine.applyBlock(record);
        expect(bytesToHex(block.hash())).to.equal(record.hash, `block ${record.number}`);
        baseFees.push(block.header.baseFeePerGas!);
      }
      expect(baseFees).to.deep.equal(edrBaseFees.map(BigInt));
      // What the last contract read of its block: the same in both, and not zeros.
      for (let slot = 0; slot < 6; slot++) {
        const key = setLengthLeft(bigIntToBytes(BigInt(slot)), 32);
        const ours = bytesToHex(setLengthLeft(await engine.vm.stateManager.getStorage(createAddressFromString(contract.toLowerCase()), key), 32));
        expect(ours).to.equal(storage[slot], `slot ${slot}`);
        if (slot < 2 || slot === 3) expect(BigInt(ours)).to.not.equal(0n, `slot ${slot}`);
      }
      if (format === 1) {
        // 31 M gas over a 30 M target raised it, the blocks after lowered it.
        expect(baseFees[2] > baseFees[1], "base fee rose").to.equal(true);
        expect(baseFees[3] < baseFees[2], "base fee fell").to.equal(true);
      } else {
        expect(new Set(baseFees)).to.deep.equal(new Set([0n]));
      }
    });
  }

  it("refuses a block journaled with another timestamp (a contract stored it): the block is named", async () => {
    const { genesis, records } = journalFor(2, "prague");
    const tampered = structuredClone(records);
    tampered[2].timestamp += 1;
    const engine = await BlockEngine.fromGenesis(genesis);
    await engine.applyBlock(tampered[0]);
    await engine.applyBlock(tampered[1]);
    const error = await engine.applyBlock(tampered[2]).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ReplayMismatchError);
    expect((error as ReplayMismatchError).blockNumber).to.equal(3);
  });

  it("refuses a hardfork it does not build, naming the field", async () => {
    const genesis = genesisOf(2, "osaka", [new Wallet(hexlify(randomBytes(32))).address]);
    const error = await BlockEngine.fromGenesis(genesis).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.match(/genesis\.hardfork is "osaka"/);
  });
});
