// eth_call and eth_estimateGas on a block's state (the head's, or a recent block's the
// store still keeps): the call runs as a transaction would (its intrinsic gas charged
// first, the sender, the target, the precompiles and the coinbase warm as EIP-2929/3651
// make them, at least the calldata floor of EIP-7623 paid). At the head, it runs in the
// environment of the block the sealer would seal next (its number, the current time by the
// sealing rule, its base fee and prevRandao: a ballot's deadline is judged as the next
// block will judge it, as EDR did with its clock advanced to now); at an older block, in
// that block's own environment, as geth does. It runs on a scratch VM whose writes are
// dropped (BlockEngine.scratchVm, or the call executor's process): nothing a call does stays.
// ethereumjs' runTx needs a signed transaction, and a call has a sender but no signature, so
// the EVM's public runCall is driven directly after the same preparation.
import { createBlock, type Block, type BlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createTx, getCalldataFloorGas } from "@ethereumjs/tx";
import { bytesToHex, createAddressFromString, hexToBytes } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";
import type { Genesis } from "../genesis.js";
import { RpcError } from "../rpc-error.js";
import { nextBaseFee, prevRandaoFor, timestampFor } from "../sealer.js";

export type CallRequest = { from?: string; to?: string; data?: string; input?: string; value?: string; gas?: string; gasPrice?: string };
export type CallOutcome = { ok: true; returnValue: Uint8Array; gasUsed: bigint } | { ok: false; revert?: Uint8Array; error: string; gasUsed: bigint };

const ZERO = "0x0000000000000000000000000000000000000000";
const TX_BASE_GAS = 21_000n;

/**
 * Where a call runs: on the state after `header`, in the environment of the block that
 * would follow it now (`next`: the head) or of `header`'s own block (an older one).
 */
export type CallBase = { header: BlockHeader; next: boolean; vm(): Promise<VM> };

export class CallRunner {
  constructor(
    private readonly genesis: Genesis,
    private readonly common: Common,
    private readonly now: () => number = Date.now,
  ) {}

  /** The block a call at `base` runs in: the next one as the sealer would make it now (sealer.ts), or `base.header`'s. */
  environment(base: CallBase): Block {
    const h = base.header;
    if (!base.next) return createBlock({ header: h }, { common: this.common, setHardfork: false });
    const head = { number: Number(h.number), hash: bytesToHex(h.hash()), timestamp: Number(h.timestamp), baseFeePerGas: h.baseFeePerGas ?? 0n, gasUsed: h.gasUsed, gasLimit: h.gasLimit };
    return createBlock({
      header: {
        parentHash: h.hash(), number: h.number + 1n, timestamp: BigInt(timestampFor(this.now(), head)), coinbase: h.coinbase, gasLimit: h.gasLimit,
        baseFeePerGas: nextBaseFee(head, this.genesis.baseFeeRule === "zero"), mixHash: hexToBytes(prevRandaoFor(head.hash) as `0x${string}`),
      },
    }, { common: this.common, setHardfork: false });
  }

  /** Runs `call` at `base` with `gas` (the block gas limit when absent). */
  async run(base: CallBase, call: CallRequest, gas?: bigint): Promise<CallOutcome> {
    const block = this.environment(base);
    const gasLimit = gas ?? (call.gas !== undefined ? BigInt(call.gas) : block.header.gasLimit);
    const data = hexToBytes((call.data ?? call.input ?? "0x") as `0x${string}`);
    const value = BigInt(call.value ?? 0);
    const to = call.to ? createAddressFromString(call.to.toLowerCase()) : undefined;
    const caller = createAddressFromString((call.from ?? ZERO).toLowerCase());
    const vm: VM = await base.vm();
    const tx = createTx({ to, data, value, gasLimit, gasPrice: 0n }, { common: vm.common });
    const intrinsic = tx.getIntrinsicGas();
    // EIP-7623 (Prague): a transaction pays at least its calldata floor, whatever it ran.
    const floor = getCalldataFloorGas(tx, caller);
    const least = intrinsic > floor ? intrinsic : floor;
    if (gasLimit < least) return { ok: false, error: `intrinsic gas too low: have ${gasLimit}, want ${least}`, gasUsed: gasLimit };
    {
      await vm.evm.journal.cleanup();
      for (const [address] of vm.evm.precompiles) vm.evm.journal.addAlwaysWarmAddress(address);
      vm.evm.journal.addAlwaysWarmAddress(caller.toString());
      if (to) vm.evm.journal.addAlwaysWarmAddress(to.toString());
      vm.evm.journal.addAlwaysWarmAddress(block.header.coinbase.toString());
      const result = await vm.evm.runCall({ caller, origin: caller, to, data, value, gasLimit: gasLimit - intrinsic, gasPrice: 0n, block });
      const ran = intrinsic + result.execResult.executionGasUsed;
      const gasUsed = ran > floor ? ran : floor;
      const error = result.execResult.exceptionError;
      if (error) return { ok: false, error: error.error, gasUsed, ...(error.error === "revert" ? { revert: result.execResult.returnValue } : {}) };
      return { ok: true, returnValue: result.execResult.returnValue, gasUsed };
    }
  }

  /** eth_call: the return data, or EDR's error for a failed call (-32000, the revert data in `data`). */
  async call(base: CallBase, call: CallRequest): Promise<string> {
    const outcome = await this.run(base, call);
    if (!outcome.ok) throw failure(outcome);
    return `0x${Buffer.from(outcome.returnValue).toString("hex")}`;
  }

  /**
   * eth_estimateGas: the gas with which the call succeeds, what it used when that is enough,
   * else found as geth finds it: first the optimistic bound (what it used plus the 1/64 each
   * sub-call holds back, EIP-150), then a binary search between what it used and the cap
   * that stops within 1.5 % above the least (geth's estimateGasErrorRatio). A call that
   * forwards gas to others (createBallot's key proof to the modexp precompile) needs more than
   * it uses: a search to the exact gas took about 25 runs, past the wall-clock limit on a busy
   * machine; this takes 2 or 3. A call that fails with the cap fails the estimate with the
   * call's error.
   */
  async estimateGas(base: CallBase, call: CallRequest): Promise<string> {
    const cap = call.gas !== undefined ? BigInt(call.gas) : base.header.gasLimit;
    const first = await this.run(base, call, cap);
    if (!first.ok) throw failure(first);
    let low = first.gasUsed - 1n; // fails (or is below what it used)
    let high = cap; // succeeds
    if ((await this.run(base, call, first.gasUsed)).ok) high = first.gasUsed;
    else {
      low = first.gasUsed;
      const optimistic = ((first.gasUsed + CALL_STIPEND) * 64n) / 63n;
      if (optimistic < high) {
        if ((await this.run(base, call, optimistic)).ok) high = optimistic;
        else low = optimistic;
      }
      while (high - low > 1n && (high - low) * 1000n > high * ESTIMATE_ERROR_PER_MILLE) {
        const mid = (low + high) / 2n;
        if ((await this.run(base, call, mid)).ok) high = mid;
        else low = mid;
      }
    }
    // EDR answers 21,001 where a call costs exactly the 21,000 of a transaction (a plain
    // transfer, a call to an address without code): measured, engine-rpc.test.ts.
    if (high === TX_BASE_GAS) high += 1n;
    return `0x${high.toString(16)}`;
  }
}

/** The gas a CALL with value hands to its callee for free (the optimistic bound adds it, as geth does). */
const CALL_STIPEND = 2_300n;
/** An estimate may exceed the least gas that works by 1.5 % (geth's estimateGasErrorRatio). */
const ESTIMATE_ERROR_PER_MILLE = 15n;

/** EDR's wording of a failed call (evm.ts passes its errors through to clients). */
function failure(outcome: Extract<CallOutcome, { ok: false }>): RpcError {
  if (outcome.revert === undefined) return new RpcError(-32000, `VM Exception while processing transaction: ${outcome.error}`);
  const data = `0x${Buffer.from(outcome.revert).toString("hex")}`;
  if (outcome.revert.length === 0) return new RpcError(-32000, "Transaction reverted without a reason", data);
  return new RpcError(-32000, `VM Exception while processing transaction: reverted with an unrecognized custom error (return data: ${data})`, data);
}
