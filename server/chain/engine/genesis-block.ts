// Block 0 of an urne chain as EDR builds it, from the journal's genesis record: the funded
// operator accounts and EDR's system accounts (system-contracts.ts) in the state, and
// EDR's fixed genesis header fields. Its hash must equal genesis.genesisHash (checked by
// the engine, block-engine.ts), which is what proves every field here.
import { createBlock, type Block } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, createAddressFromString, hexToBytes } from "@ethereumjs/util";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Genesis } from "../genesis.js";
import { systemAccounts } from "./system-contracts.js";

/** EDR's genesis extraData. */
const GENESIS_EXTRA_DATA = "0x1234";
/** EDR's genesis mixHash: the first value of its seeded generator, keccak256("randomMixHashSeed"). */
const GENESIS_MIX_HASH = keccak256(toUtf8Bytes("randomMixHashSeed"));
export const ZERO_HASH = new Uint8Array(32);
/**
 * EDR's genesis transactionsRoot is keccak256 of no bytes, not the empty trie's root (which
 * its later empty blocks, and ethereumjs, use): block 0 has no transactions either way.
 */
const EDR_GENESIS_TRANSACTIONS_ROOT = keccak256(new Uint8Array());

/** Writes the genesis accounts into `state` (empty) and returns block 0. */
export async function writeGenesis(genesis: Genesis, common: Common, state: MerkleStateManager): Promise<Block> {
  await state.checkpoint();
  for (const { address, code } of systemAccounts(genesis.hardfork)) {
    const at = createAddressFromString(address);
    await state.putAccount(at, new Account());
    await state.putCode(at, hexToBytes(code as `0x${string}`));
  }
  for (const { address, balance } of genesis.accounts) {
    await state.putAccount(createAddressFromString(address.toLowerCase()), new Account(0n, BigInt(balance)));
  }
  await state.commit();
  const stateRoot = await state.getStateRoot();
  return createBlock(
    {
      header: {
        number: 0n,
        timestamp: BigInt(genesis.initialDate),
        gasLimit: BigInt(genesis.blockGasLimit),
        baseFeePerGas: BigInt(genesis.initialBaseFeePerGas),
        coinbase: genesis.coinbase as `0x${string}`,
        extraData: hexToBytes(GENESIS_EXTRA_DATA),
        mixHash: hexToBytes(GENESIS_MIX_HASH as `0x${string}`),
        stateRoot,
        transactionsTrie: hexToBytes(EDR_GENESIS_TRANSACTIONS_ROOT as `0x${string}`),
        difficulty: 0n,
        parentBeaconBlockRoot: ZERO_HASH,
      },
      withdrawals: [],
    },
    { common, setHardfork: false },
  );
}
