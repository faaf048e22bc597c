// The genesis of urne's embedded chain. Everything here goes into the journal's `genesis`
// record (docs/CHAIN.md): it is the whole input, with the journaled blocks, that replay
// needs to rebuild the chain bit for bit. No private key is part of it, so anyone holding
// a copy of the journal can replay and check it.
import { getAddress } from "ethers";
import toolchain from "../../contracts/toolchain.json" with { type: "json" };

/** "urne" in ASCII (0x75726e65). */
export const DEFAULT_CHAIN_ID = 1970433637n;
export const BLOCK_GAS_LIMIT = 60_000_000n;
/** Priority fees go nowhere: nobody holds this key, and the chain has no miner to pay. */
export const COINBASE = "0x0000000000000000000000000000000000000000";
/**
 * Journal format 1 (chains created before free ballots): EIP-1559 base fee from 1 gwei, as
 * in Hardhat. Format 2 (every new chain): the base fee is zero and stays zero (the block's
 * gas target is its limit, so the EIP-1559 rule never raises it), so that a voter can send
 * a ballot without ether (a free ballot, docs/CHAIN.md §5.4); the door, not the fee market,
 * decides what else may enter a block.
 */
export const FORMAT_1_INITIAL_BASE_FEE_PER_GAS = 1_000_000_000n;
/** What each operator account starts with: enough for decades of ballots at any fee. */
export const OPERATOR_BALANCE = 10n ** 24n;
export const JOURNAL_FORMAT = 2;
/** Formats this urne replays. */
export const READABLE_JOURNAL_FORMATS: readonly number[] = [1, 2];

export type GenesisAccount = { address: string; balance: string };

export type Genesis = {
  /** Journal format; a node refuses a journal whose format it does not know. */
  format: number;
  /** Decimal strings for the big numbers: JSON has no bigint. */
  chainId: string;
  /** Unix seconds of block 0; fixed once, so that replay gives the same genesis hash. */
  initialDate: number;
  /**
   * The compiler's evmVersion (contracts/toolchain.json) when the chain was created. Replay
   * always uses this value, never the current toolchain: a chain keeps its rules.
   */
  hardfork: string;
  coinbase: string;
  blockGasLimit: string;
  initialBaseFeePerGas: string;
  /** Format 2: "zero" (the base fee is always 0). Absent in format 1: EIP-1559 from initialBaseFeePerGas. */
  baseFeeRule?: "zero";
  accounts: GenesisAccount[];
  /** Hash of block 0 as built the first time; replay checks it before any block. */
  genesisHash?: string;
  /** Execution engine that built the chain (diagnosis only: replay checks hashes, not this). */
  engine?: string;
};

export function newGenesis(opts: { chainId?: bigint; accounts: string[]; now?: Date }): Genesis {
  const chainId = opts.chainId ?? DEFAULT_CHAIN_ID;
  if (chainId <= 0n || chainId > 2n ** 53n) throw new TypeError(`chainId must be in [1, 2^53], got ${chainId}`);
  return {
    format: JOURNAL_FORMAT,
    chainId: chainId.toString(),
    initialDate: Math.floor((opts.now ?? new Date()).getTime() / 1000),
    hardfork: toolchain.evmVersion,
    coinbase: COINBASE,
    blockGasLimit: BLOCK_GAS_LIMIT.toString(),
    initialBaseFeePerGas: "0",
    baseFeeRule: "zero",
    accounts: opts.accounts.map((a) => ({ address: getAddress(a), balance: OPERATOR_BALANCE.toString() })),
  };
}

/** True when the chain's base fee is always zero (free ballots are possible). */
export const hasZeroBaseFee = (g: Genesis) => g.baseFeeRule === "zero";

/** Checks a genesis record read back from disk; throws naming the first bad field. */
export function checkGenesis(g: Genesis): Genesis {
  const fail = (field: string, why: string): never => {
    throw new Error(`journal genesis.${field} ${why}`);
  };
  if (!READABLE_JOURNAL_FORMATS.includes(g.format)) fail("format", `is ${g.format}; this urne reads formats ${READABLE_JOURNAL_FORMATS.join(" and ")}`);
  if (g.format === 2 && g.baseFeeRule !== "zero") fail("baseFeeRule", `is ${JSON.stringify(g.baseFeeRule)}; format 2 has "zero"`);
  if (g.format === 1 && g.baseFeeRule !== undefined) fail("baseFeeRule", "is not part of format 1");
  if (!/^[1-9][0-9]*$/.test(g.chainId)) fail("chainId", "is not a decimal integer");
  if (!Number.isSafeInteger(g.initialDate) || g.initialDate <= 0) fail("initialDate", "is not Unix seconds");
  if (typeof g.hardfork !== "string") fail("hardfork", "is missing");
  if (!Array.isArray(g.accounts)) fail("accounts", "is not a list");
  return g;
}
