// What urne's chain door says of itself (GET /health, rpc-front.ts): the API's and the
// relay's own /health ask it when the chain does not answer JSON-RPC, so that they say
// "the chain is replaying, block N of M" rather than only "no answer". Any other node has
// no such page: its answer is then just absent.
import type { ChainStatus } from "./rpc-front.js";

/** The door's status at `rpcUrl`, or undefined if nothing there says one (another node, or none). */
export async function doorStatus(rpcUrl: string): Promise<ChainStatus | undefined> {
  try {
    const res = await fetch(new URL("/health", rpcUrl), { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { status?: unknown };
    return typeof body?.status === "string" ? (body as ChainStatus) : undefined;
  } catch {
    return undefined;
  }
}
