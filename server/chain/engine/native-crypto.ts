// The hashing and key recovery ethereumjs runs for every trie node, transaction sender and
// ecrecover call, done natively: ethereumjs' Common accepts them as `customCrypto` (its
// public hook for this), and urne already ships both packages for the vote checks (the
// `keccak` package through protocol/keccak.node.ts; `secp256k1`, Bitcoin Core's
// libsecp256k1, through its public `ecdsaRecover`). Both ship prebuilt binaries and fall
// back to their own JavaScript where none fits. The answers must be ethereumjs' own
// (util's `ecrecover`): test/chain/engine/native-crypto.test.ts holds them to it.
import { createRequire } from "node:module";
import { calculateSigRecovery, setLengthLeft } from "@ethereumjs/util";
import type { CustomCrypto } from "@ethereumjs/common";
import { keccak256Bytes } from "../../../protocol/keccak.node.js";

const { ecdsaRecover } = createRequire(import.meta.url)("secp256k1") as {
  ecdsaRecover(signature: Uint8Array, recoveryId: number, message: Uint8Array, compressed: boolean): Uint8Array;
};

/**
 * ethereumjs' `ecrecover` contract: the 64-byte public key (no 0x04 prefix) of the signer
 * of `msgHash`; throws for a `v` that is no recovery id, or an `r`/`s` no key results from.
 */
export function nativeEcrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Uint8Array {
  const recovery = calculateSigRecovery(v, chainId);
  if (recovery !== 0n && recovery !== 1n) throw new Error("Invalid signature v value");
  const signature = new Uint8Array(64);
  signature.set(setLengthLeft(r, 32), 0);
  signature.set(setLengthLeft(s, 32), 32);
  return ecdsaRecover(signature, Number(recovery), msgHash, false).subarray(1);
}

/** What the engine hands ethereumjs' Common (chain-common.ts); `undefined` keeps its JavaScript. */
export const nativeCrypto: CustomCrypto = { keccak256: keccak256Bytes, ecrecover: nativeEcrecover };
