// The relay's JSON-RPC client. ethers' defaults suit a wallet, not a relayer: calls
// cached ~250 ms, batched, a five-minute timeout, network re-detection. ARCHITECTURE.md
// (ethers notes): no cache, one request per call, the chain id fixed once, short timeouts.
import { FetchRequest, JsonRpcProvider, Network } from "ethers";

export async function relayProvider(rpcUrl: string, opts: { timeoutMs?: number; waitMs?: number } = {}): Promise<JsonRpcProvider> {
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  let chainId: bigint;
  for (;;) {
    try {
      const res = await fetch(rpcUrl, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(5000),
      });
      chainId = BigInt(((await res.json()) as { result: string }).result);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no chain node answers at ${rpcUrl}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const request = new FetchRequest(rpcUrl);
  request.timeout = opts.timeoutMs ?? 10_000;
  const network = Network.from(chainId);
  return new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1, polling: false });
}
