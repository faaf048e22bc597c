// Plain ETH transfers, signed locally and sent raw: the cheapest real traffic for the
// chain tests and the benchmark (the embedded chain accepts nothing but raw signed txs).
import { Wallet, keccak256 } from "ethers";
import { rpcCall } from "../helpers/rpc.js";

export const SINK = "0x000000000000000000000000000000000000dEaD";

/** `count` transfers of 1 wei from `wallet`, nonces `fromNonce`.., ready for eth_sendRawTransaction. */
export async function signTransfers(wallet: Pick<Wallet, "signTransaction">, chainId: bigint, fromNonce: number, count: number, to = SINK): Promise<string[]> {
  const raws: string[] = [];
  for (let i = 0; i < count; i++) {
    raws.push(await wallet.signTransaction({
      type: 2, chainId, nonce: fromNonce + i, to, value: 1n, gasLimit: 21_000n,
      maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1n,
    }));
  }
  return raws;
}

export async function sendRaw(rpcUrl: string, raw: string): Promise<string> {
  const hash = (await rpcCall(rpcUrl, "eth_sendRawTransaction", [raw])) as string;
  if (hash !== keccak256(raw)) throw new Error(`node answered ${hash} for ${keccak256(raw)}`);
  return hash;
}

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export type RpcBlock = { number: string; hash: string; parentHash: string; timestamp: string; transactions: string[] };

export const getBlock = (rpcUrl: string, n: number | "latest") =>
  rpcCall(rpcUrl, "eth_getBlockByNumber", [n === "latest" ? n : `0x${n.toString(16)}`, false]) as Promise<RpcBlock | null>;

export const receiptOf = (rpcUrl: string, hash: string) =>
  rpcCall(rpcUrl, "eth_getTransactionReceipt", [hash]) as Promise<{ blockNumber: string; blockHash: string; status: string } | null>;
