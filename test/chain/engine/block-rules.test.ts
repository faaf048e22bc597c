// Both genesis formats and both hardforks the engine builds, sealed on EDR and rebuilt with
// ethereumjs: format 1's EIP-1559 base fee (from 1 gwei, rising over a half-full block and
// falling after), format 2's zero base fee with gas target = limit (a block over half full
// leaves it at zero), and what a contract reads of its block (BLOCKHASH, PREVRANDAO,
// BASEFEE, TIMESTAMP, COINBASE, BLOBBASEFEE), stored so that the state root depends on it.
import { expect } from "chai";
import { Wallet, hexlify, randomBytes } from "ethers";
import { bigIntToBytes, bytesToHex, createAddressFromString, setLengthLeft } from "@ethereumjs/util";
import { Transaction, getCreateAddress } from "ethers";
import { BlockEngine } from "../../../server/chain/engine/block-engine.js";
import { FORMAT_1_INITIAL_BASE_FEE_PER_GAS, newGenesis, type Genesis } from "../../../server/chain/genesis.js";
import { ReplayMismatchError } from "../../../server/chain/replay.js";
import { sealOnEdr } from "./edr-sealed-journal.js";

// Init codes (a contract creation runs them once):
/** SSTOREs slot 0..5: BLOCKHASH(NUMBER-1), PREVRANDAO, BASEFEE, TIMESTAMP, COINBASE, BLOBBASEFEE. */
const READS_ITS_BLOCK = "0x600143034060005544600155486002554260035541600455" + "4a600555" + "00";
/** One MSTORE at byte 3,984,000: about 31 M gas of memory, more than half the 60 M limit, in 4 EVM steps. */
const BURNS_31M_GAS = "0x6000623cca805200";
/** Reverts: a failed transaction in a block. */
const REVERTS = "0x60006000fd";

/** The sender of block 1's first transaction (alice, who creates the contracts). */
const aliceOf = (records: { transactions: string[] }[]) => Transaction.from(records[0].transactions[0]).from!;

function genesisOf(format: 1 | 2, hardfork: string, accounts: string[]): Genesis {
  const g = newGenesis({ accounts, now: new Date(1_800_000_000_000) });
  g.hardfork = hardfork;
  if (format === 1) {
    g.format = 1;
    g.initialBaseFeePerGas = FORMAT_1_INITIAL_BASE_FEE_PER_GAS.toString();
    delete g.baseFeeRule;
  }
  return g;
}

async function journalFor(format: 1 | 2, hardfork: string) {
  const alice = new Wallet(hexlify(randomBytes(32)));
  const bob = new Wallet(hexlify(randomBytes(32)));
  const genesis = genesisOf(format, hardfork, [alice.address, bob.address]);
  const chainId = BigInt(genesis.chainId);
  let aliceNonce = 0;
  let bobNonce = 0;
  const fee = { maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
  const create = (data: string, gasLimit: bigint) => alice.signTransaction({ type: 2, chainId, nonce: aliceNonce++, data, gasLimit, ...fee });
  const transfer = (type: 0 | 1 | 2) =>
    bob.signTransaction({ type, chainId, nonce: bobNonce++, to: alice.address, value: 12345n, gasLimit: 21_000n, ...(type === 2 ? fee : { gasPrice: 50_000_000_000n }) });
  const blocks = [
    [await create(READS_ITS_BLOCK, 300_000n), await transfer(0), await transfer(1), await transfer(2)],
    [await create(BURNS_31M_GAS, 32_000_000n)],
    [await create(READS_ITS_BLOCK, 300_000n), await create(REVERTS, 100_000n)],
    [],
    [await transfer(2), await create(READS_ITS_BLOCK, 300_000n)],
  ];
  return sealOnEdr(genesis, blocks);
}

describe("ethereumjs engine: block rules of each genesis format and hardfork, against EDR", function () {
  this.timeout(120_000);
  for (const [format, hardfork] of [[1, "prague"], [2, "prague"], [1, "cancun"], [2, "cancun"]] as const) {
    it(`format ${format}, ${hardfork}: the same block hashes and base fees as EDR`, async () => {
      const { genesis, records, evm } = await journalFor(format, hardfork);
      const engine = await BlockEngine.fromGenesis(genesis);
      const baseFees: bigint[] = [];
      for (const record of records) {
        const { block } = await engine.applyBlock(record);
        expect(bytesToHex(block.hash())).to.equal(record.hash, `block ${record.number}`);
        baseFees.push(block.header.baseFeePerGas!);
      }
      const edrFees = [];
      for (const r of records) edrFees.push(BigInt(((await evm.request({ method: "eth_getBlockByNumber", params: [`0x${r.number.toString(16)}`, false] })) as { baseFeePerGas: string }).baseFeePerGas));
      expect(baseFees).to.deep.equal(edrFees);
      // What the last contract read of its block: the same in both, and not zeros.
      const contract = getCreateAddress({ from: aliceOf(records), nonce: 4 });
      for (let slot = 0; slot < 6; slot++) {
        const key = setLengthLeft(bigIntToBytes(BigInt(slot)), 32);
        const ours = bytesToHex(setLengthLeft(await engine.vm.stateManager.getStorage(createAddressFromString(contract.toLowerCase()), key), 32));
        const edrs = (await evm.request({ method: "eth_getStorageAt", params: [contract, `0x${slot.toString(16)}`, "latest"] })) as string;
        expect(ours).to.equal(edrs, `slot ${slot}`);
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
    const { genesis, records } = await journalFor(2, "prague");
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
