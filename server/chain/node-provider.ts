// The ethers provider urne uses to talk to a chain node it waits on (deployments, organizer
// transactions, scripts, tests).
//
// It differs from ethers' JsonRpcProvider in one way: `tx.wait()` looks for the receipt on a
// timer, not on new blocks. ethers looks for a receipt once when the wait starts, then again
// on each block it sees; its block poller takes the head it first reads as already seen. A
// node may answer a transaction before it has mined it (anvil and geth in dev mode answer
// eth_sendRawTransaction first and mine right after; measured here: anvil served no receipt
// for 35 of 300 transactions asked for at once), or serve a block before its receipts.
// When the transaction's block lands between ethers' first look and its first read of the
// head, and no block follows (a chain that mines on demand), the wait never ends: CI saw a
// test hang for 120 s on `closeBallot(...).wait()` against anvil.
//
// Through ethers' public extension point (`_getSubscriber`, "sub-classes may override this
// to customize subscription implementations"), the transaction subscriber here asks for the
// receipt every `pollingInterval` until the wait ends: a block mined at any moment is seen.
import { FetchRequest, JsonRpcProvider, Network, type Subscriber, type Subscription } from "ethers";

export type NodeProviderOptions = {
  /** How often a wait asks for its receipt (and ethers polls for blocks), ms. Default 250. */
  pollingIntervalMs?: number;
  /** Sent as `Authorization: Bearer ...` (a node that requires it). */
  bearerToken?: string;
};

class ReceiptPoller implements Subscriber {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  constructor(private readonly provider: NodeProvider, private readonly hash: string) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#look();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  pause(): void { this.stop(); }
  resume(): void { this.start(); }

  async #look(): Promise<void> {
    try {
      const receipt = await this.provider.getTransactionReceipt(this.hash);
      if (receipt && this.#running) await this.provider.emit(this.hash, receipt);
    } catch {
      // The node did not answer this time. The wait's own timeout (tx.wait(confirms, ms))
      // is what bounds a node that never answers; looking again is the subscription's job.
    }
    if (this.#running) this.#timer = setTimeout(() => void this.#look(), this.provider.pollingInterval);
  }
}

/** A JSON-RPC provider for one node on a known chain: no batching, no cache, receipts looked for on a timer. */
export class NodeProvider extends JsonRpcProvider {
  constructor(rpcUrl: string, chainId: bigint, opts: NodeProviderOptions = {}) {
    const request = new FetchRequest(rpcUrl);
    if (opts.bearerToken) request.setHeader("authorization", `Bearer ${opts.bearerToken}`);
    // No batching, no cache: by default ethers batches requests and answers a repeated call
    // from a 250 ms cache, which could hand back a stale nonce or receipt.
    const network = Network.from(chainId);
    super(request, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: opts.pollingIntervalMs ?? 250 });
  }

  override _getSubscriber(sub: Subscription): Subscriber {
    if (sub.type === "transaction") return new ReceiptPoller(this, sub.hash);
    return super._getSubscriber(sub);
  }
}

/**
 * The chain id a node declares, from one plain eth_chainId with a 10 s limit (ethers' provider
 * would retry a dead URL forever, logging). Throws naming the URL when the node does not answer.
 */
export async function nodeChainId(rpcUrl: string): Promise<bigint> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    const { result } = (await response.json()) as { result?: unknown };
    if (typeof result !== "string" || !/^0x[0-9a-f]+$/i.test(result)) throw new Error(`no chain id in the answer (${JSON.stringify(result)})`);
    return BigInt(result);
  } catch (cause) {
    throw new Error(`the node at ${rpcUrl} does not answer eth_chainId`, { cause });
  }
}
