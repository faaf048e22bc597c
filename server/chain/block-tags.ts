// The "pending" block tag, served without a pending block. EDR answers "pending" by
// executing the whole mempool into a preview block, for every call: 130 ms with 5,000
// waiting transfers, during which the EVM (one mutex) serves nobody else. Anyone could
// stall the chain by asking. So the front answers "pending" from the last final block, as
// nodes without a mempool preview do, except for the one pending value clients rely on:
// the next nonce, which the sealer counts from its own mempool index. docs/CHAIN.md §5.

/** Position of the block parameter of each method that takes one. */
const BLOCK_PARAM: Record<string, number> = {
  eth_getBalance: 1, eth_getCode: 1, eth_getTransactionCount: 1, eth_call: 1, eth_estimateGas: 1,
  eth_getStorageAt: 2, eth_feeHistory: 1,
  eth_getBlockByNumber: 0, eth_getBlockTransactionCountByNumber: 0, eth_getTransactionByBlockNumberAndIndex: 0,
};

const isPending = (tag: unknown) =>
  tag === "pending" || (typeof tag === "object" && tag !== null && (tag as { blockNumber?: unknown }).blockNumber === "pending");

/** True when this is eth_getTransactionCount(address, "pending"): answered by the sealer. */
export function isPendingNonceQuery(method: string, params: unknown[]): boolean {
  return method === "eth_getTransactionCount" && isPending(params[1]);
}

/** `params` with every "pending" tag turned into "latest" (a copy; the input is not changed). */
export function pendingAsLatest(method: string, params: unknown[]): unknown[] {
  if (method === "eth_getLogs") {
    const filter = params[0];
    if (typeof filter !== "object" || filter === null) return params;
    const f = { ...(filter as Record<string, unknown>) };
    for (const key of ["fromBlock", "toBlock"]) if (f[key] === "pending") f[key] = "latest";
    return [f, ...params.slice(1)];
  }
  const index = BLOCK_PARAM[method];
  if (index === undefined) return params;
  const out = [...params];
  // eth_call and eth_estimateGas default to "pending" in EDR (to "latest" in geth): say it.
  if ((method === "eth_call" || method === "eth_estimateGas") && out.length === 1) out.push("latest");
  if (isPending(out[index])) out[index] = "latest";
  return out;
}
