// The relay's JSON-RPC client. ethers' defaults suit a wallet, not a relayer: calls
// cached ~250 ms, batched, a five-minute timeout, network re-detection. Here: no cache, one
// request per call, the chain id fixed once, short timeouts.
import { FetchRequest, JsonRpcProvider, Network } from "ethers";
import { JsonRpcClient } from "../../protocol/json-rpc.js";

/**
 * `token`: the chain door's service token (server/chain/chain-service-token.ts), sent as a
 * bearer credential so that the relay's own traffic is not charged to a rate-limit bucket.
 */
export async function relayProvider(rpcUrl: string, opts: { timeoutMs?: number; waitMs?: number; token?: string } = {}): Promise<JsonRpcProvider> {
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  let deadline = Date.now() + (opts.waitMs ?? 30_000);
  let chainId: bigint;
  for (;;) {
    try {
      const res = await fetch(rpcUrl, {
        method: "POST", headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        signal: AbortSignal.timeout(5000),
      });
      // urne's chain answers 503 while it replays its journal (rpc-front.ts): it is alive and coming; wait on.
      if (res.status === 503) deadline = Date.now() + (opts.waitMs ?? 30_000);
      chainId = BigInt(((await res.json()) as { result: string }).result);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no chain node answers at ${rpcUrl}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const request = new FetchRequest(rpcUrl);
  request.timeout = opts.timeoutMs ?? 10_000;
  for (const [name, value] of Object.entries(auth)) request.setHeader(name, value);
  const network = Network.from(chainId);
  return new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1, polling: false });
}

/** The same node for protocol/json-rpc.ts's client (the relay's batched reads), with the same token. */
export function relayRpcClient(rpcUrl: string, opts: { timeoutMs?: number; token?: string } = {}): JsonRpcClient {
  return new JsonRpcClient(rpcUrl, opts.timeoutMs ?? 10_000, opts.token ? { authorization: `Bearer ${opts.token}` } : {});
}
