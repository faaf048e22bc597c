// The rules ethereumjs builds an urne chain's blocks with: its Common (chain id, hardfork,
// consensus, crypto), derived from the journal's genesis record alone. Every hardfork up to
// the genesis' one is active from block 0 and none after it ever is, as in EDR (evm.ts
// configures EDR with one fixed hardfork). ethereumjs' own chain definitions activate forks
// at mainnet's heights and times: taken as they are, London's base-fee switch would fire at
// block 12,965,000 and Cancun at a 2024 timestamp. Consensus is proof of stake (no miner
// reward, zero difficulty), as EDR's post-merge blocks.
import { Common, Hardfork, Mainnet, type ChainConfig, type CustomCrypto } from "@ethereumjs/common";
import type { Genesis } from "../genesis.js";
import { nativeCrypto } from "./native-crypto.js";

/** genesis.hardfork values (the compiler's evmVersion names) this engine builds, as ethereumjs names them. */
const HARDFORKS: Readonly<Record<string, string>> = { cancun: Hardfork.Cancun, prague: Hardfork.Prague };

export const ENGINE_HARDFORKS = Object.keys(HARDFORKS);

export type ChainCommonOptions = {
  /** ethereumjs' JavaScript keccak and secp256k1 instead of the native ones (bench: to compare). */
  javascriptCrypto?: boolean;
};

export function chainCommon(genesis: Genesis, opts: ChainCommonOptions = {}): Common {
  const hardfork = HARDFORKS[genesis.hardfork];
  if (hardfork === undefined) {
    throw new Error(`journal genesis.hardfork is ${JSON.stringify(genesis.hardfork)}; the ethereumjs engine builds ${ENGINE_HARDFORKS.join(", ")}`);
  }
  const names = Mainnet.hardforks.map((h) => h.name);
  const upTo = names.indexOf(hardfork);
  const chain: ChainConfig = {
    ...Mainnet,
    name: `urne-${genesis.chainId}`,
    chainId: genesis.chainId,
    defaultHardfork: hardfork,
    consensus: { type: "pos", algorithm: "casper" },
    // Every fork up to ours at block 0 (the DAO fork is a mainnet balance move, never ours).
    hardforks: names.slice(0, upTo + 1).filter((name) => name !== Hardfork.Dao).map((name) => ({ name, block: 0 })),
    bootstrapNodes: [],
    dnsNetworks: [],
  };
  const customCrypto: CustomCrypto = opts.javascriptCrypto ? {} : nativeCrypto;
  return new Common({ chain, hardfork, customCrypto });
}
