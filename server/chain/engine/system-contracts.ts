// The accounts EDR's genesis holds besides urne's funded operators (evm.ts passes EDR's
// `l1GenesisState(hardfork)`): they are part of the genesis state root, so the ethereumjs
// engine must hold the same bytes or no block hash matches. EDR puts them there but never
// calls them at block start (it runs neither EIP-4788's beacon-root nor EIP-2935's
// history system call), and its EIP-2935 account is a placeholder that only reverts with
// "EIP2935 is not supported in Hardhat yet". The block builder (journaled-block.ts)
// therefore skips both calls, and these codes must stay EDR's:
// test/chain/engine/system-contracts.test.ts compares them with EDR's l1GenesisState.

export type SystemAccount = { address: string; code: string };

/** EIP-4788 beacon roots contract (Cancun on). */
const BEACON_ROOTS: SystemAccount = {
  address: "0x000f3df6d732807ef1319fb7b8bb8522d0beac02",
  code:
    "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500",
};

/** EDR's stand-in at the EIP-2935 history address (Prague on): it reverts whatever it is asked. */
const EDR_HISTORY_PLACEHOLDER: SystemAccount = {
  address: "0x0000f90827f1c53a10cb7a02335b175320002935",
  code:
    "0x60806040526040517f08c379a0000000000000000000000000000000000000000000000000000000008152600401610036906100e8565b60405180910390fd5b600082825260208201905092915050565b7f45495032393335206973206e6f7420737570706f7274656420696e204861726460008201527f686174207965743a2068747470733a2f2f6769746875622e636f6d2f4e6f6d6960208201527f63466f756e646174696f6e2f686172646861742f6973737565732f3632323600604082015250565b60006100d2605f8361003f565b91506100dd82610050565b606082019050919050565b60006020820190508181036000830152610101816100c5565b905091905056fea26469706673582212209faaba1140034f51b16123b009d46640f0f499cf7ca044d2901caa9cf73048dc64736f6c634300081c0033",
};

/** The system accounts of a genesis at `hardfork` (a name chain-common.ts accepts), as EDR has them. */
export function systemAccounts(hardfork: string): SystemAccount[] {
  if (hardfork === "cancun") return [BEACON_ROOTS];
  if (hardfork === "prague") return [BEACON_ROOTS, EDR_HISTORY_PLACEHOLDER];
  throw new Error(`no system accounts known for hardfork ${hardfork}`);
}
