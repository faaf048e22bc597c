// Every JSON-RPC parameter the door forwards, checked and rebuilt before the EVM sees it
// (docs/CHAIN.md §5). The EVM behind the door is not an input validator: one eth_call
// with gasPrice 2^112 made it panic and took the whole process down. So each method has a
// schema here; a value outside it is refused with -32602 naming the parameter
// ("params[0].gasPrice"), and what reaches the EVM is a fresh object holding only the
// checked fields, in canonical spelling. Unknown fields are refused, not dropped: a client
// asking for something this node does not do (state overrides, blobs) must hear it.
import { RpcError, RPC_INVALID_PARAMS } from "./rpc-error.js";

/** A block as a method names it; tags other than earliest are resolved by the backend. */
export type BlockRef = { tag: "latest" | "earliest" | "pending" | "safe" | "finalized" } | { number: number } | { hash: string; requireCanonical?: boolean };

export type CallRequest = {
  from?: string; to?: string | null; gas?: bigint; gasPrice?: bigint; maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint;
  value?: bigint; data?: string; nonce?: bigint; type?: number; accessList?: { address: string; storageKeys: string[] }[];
};

export type LogFilter = { address?: string[]; topics: (string[] | null)[] } & ({ blockHash: string } | { fromBlock: BlockRef; toBlock: BlockRef });

/** Largest hex data a call may carry: the largest transaction the door accepts. */
export const MAX_CALL_DATA_BYTES = 128 * 1024;
/** The widest a number field may be: fees and gas far below any overflow in the EVM (2^64 wei per gas is 18 ether). */
const MAX_FEE = 2n ** 64n - 1n;
/** No account holds 2^96 wei (7.9·10^28); a value above it only serves to overflow. */
const MAX_VALUE = 2n ** 96n - 1n;
const MAX_GAS = 2n ** 63n - 1n;
const MAX_ADDRESSES = 32;
const MAX_TOPIC_ALTERNATIVES = 32;
const MAX_ACCESS_LIST = 64;

/** Leading zeros are accepted (geth refuses them; ethers' toBeHex writes them): at most 64 digits. */
const HEX_QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;
const HEX_DATA = /^0x(?:[0-9a-fA-F]{2})*$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function invalid(field: string, why: string): RpcError {
  return new RpcError(RPC_INVALID_PARAMS, `invalid params: ${field} ${why}`);
}

export function quantity(value: unknown, field: string, max: bigint): bigint {
  if (typeof value !== "string" || !HEX_QUANTITY.test(value)) throw invalid(field, "must be a hex quantity (0x-prefixed, at most 64 hex digits)");
  const n = BigInt(value);
  if (n > max) throw invalid(field, `must be at most 0x${max.toString(16)}`);
  return n;
}

export function data(value: unknown, field: string, maxBytes: number): string {
  if (typeof value !== "string" || !HEX_DATA.test(value)) throw invalid(field, "must be 0x-prefixed hex bytes");
  if ((value.length - 2) / 2 > maxBytes) throw invalid(field, `must be at most ${maxBytes} bytes`);
  return value.toLowerCase();
}

export function hash(value: unknown, field: string): string {
  if (typeof value !== "string" || !HASH.test(value)) throw invalid(field, "must be a 32-byte hex hash");
  return value.toLowerCase();
}

export function address(value: unknown, field: string): string {
  if (typeof value !== "string" || !ADDRESS.test(value)) throw invalid(field, "must be a 20-byte hex address");
  return value.toLowerCase();
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") throw invalid(field, "must be true or false");
  return value;
}

function object(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(field, "must be an object");
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw invalid(`${field}.${key}`, "is not served by this node");
  return value as Record<string, unknown>;
}

function list<T>(value: unknown, field: string, max: number, each: (v: unknown, field: string) => T): T[] {
  if (!Array.isArray(value)) throw invalid(field, "must be an array");
  if (value.length > max) throw invalid(field, `must have at most ${max} entries`);
  return value.map((v, i) => each(v, `${field}[${i}]`));
}

const TAGS = ["latest", "earliest", "pending", "safe", "finalized"] as const;

/** A block number or tag, or (`allowHash`) an EIP-1898 object. */
export function blockRef(value: unknown, field: string, allowHash = true): BlockRef {
  if (typeof value === "string" && (TAGS as readonly string[]).includes(value)) return { tag: value as (typeof TAGS)[number] };
  if (typeof value === "string") return { number: Number(quantity(value, field, BigInt(Number.MAX_SAFE_INTEGER))) };
  if (allowHash && typeof value === "object" && value !== null && !Array.isArray(value)) {
    const o = object(value, field, ["blockHash", "blockNumber", "requireCanonical"]);
    if (o.blockHash !== undefined && o.blockNumber === undefined) {
      return { hash: hash(o.blockHash, `${field}.blockHash`), ...(o.requireCanonical === undefined ? {} : { requireCanonical: bool(o.requireCanonical, `${field}.requireCanonical`) }) };
    }
    if (o.blockNumber !== undefined && o.blockHash === undefined && o.requireCanonical === undefined) return blockRef(o.blockNumber, `${field}.blockNumber`, false);
    throw invalid(field, "must name either blockHash (with an optional requireCanonical) or blockNumber");
  }
  throw invalid(field, `must be a hex block number or one of ${TAGS.join(", ")}`);
}

const CALL_FIELDS = ["from", "to", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "data", "input", "nonce", "type", "accessList", "chainId"] as const;

export function callRequest(value: unknown, field: string): CallRequest {
  const o = object(value, field, CALL_FIELDS);
  const out: CallRequest = {};
  if (o.from !== undefined) out.from = address(o.from, `${field}.from`);
  if (o.to !== undefined) out.to = o.to === null ? null : address(o.to, `${field}.to`);
  if (o.gas !== undefined) out.gas = quantity(o.gas, `${field}.gas`, MAX_GAS);
  if (o.gasPrice !== undefined) out.gasPrice = quantity(o.gasPrice, `${field}.gasPrice`, MAX_FEE);
  if (o.maxFeePerGas !== undefined) out.maxFeePerGas = quantity(o.maxFeePerGas, `${field}.maxFeePerGas`, MAX_FEE);
  if (o.maxPriorityFeePerGas !== undefined) out.maxPriorityFeePerGas = quantity(o.maxPriorityFeePerGas, `${field}.maxPriorityFeePerGas`, MAX_FEE);
  if (out.gasPrice !== undefined && (out.maxFeePerGas !== undefined || out.maxPriorityFeePerGas !== undefined)) {
    throw invalid(field, "must not carry both gasPrice and maxFeePerGas/maxPriorityFeePerGas");
  }
  if (out.maxPriorityFeePerGas !== undefined && out.maxFeePerGas !== undefined && out.maxPriorityFeePerGas > out.maxFeePerGas) {
    throw invalid(`${field}.maxPriorityFeePerGas`, "must not exceed maxFeePerGas");
  }
  if (o.value !== undefined) out.value = quantity(o.value, `${field}.value`, MAX_VALUE);
  const input = o.input ?? o.data;
  if (o.input !== undefined && o.data !== undefined && String(o.input).toLowerCase() !== String(o.data).toLowerCase()) throw invalid(field, "data and input differ");
  if (input !== undefined) out.data = data(input, `${field}.${o.input !== undefined ? "input" : "data"}`, MAX_CALL_DATA_BYTES);
  if (o.nonce !== undefined) out.nonce = quantity(o.nonce, `${field}.nonce`, 2n ** 64n - 2n);
  if (o.type !== undefined) {
    const type = Number(quantity(o.type, `${field}.type`, 0xffn));
    if (type > 2) throw invalid(`${field}.type`, "must be 0x0, 0x1 or 0x2 (blob and set-code calls are not served)");
    out.type = type;
  }
  if (o.accessList !== undefined) {
    out.accessList = list(o.accessList, `${field}.accessList`, MAX_ACCESS_LIST, (entry, f) => {
      const e = object(entry, f, ["address", "storageKeys"]);
      return { address: address(e.address, `${f}.address`), storageKeys: list(e.storageKeys, `${f}.storageKeys`, MAX_ACCESS_LIST, hash) };
    });
  }
  if (o.chainId !== undefined) quantity(o.chainId, `${field}.chainId`, 2n ** 64n - 1n); // checked, then left to the node's own
  return out;
}

/** The call object as JSON-RPC spells it, from checked fields only. */
export function callRequestJson(call: CallRequest): Record<string, unknown> {
  const q = (n: bigint | number) => "0x" + n.toString(16);
  const out: Record<string, unknown> = {};
  if (call.from !== undefined) out.from = call.from;
  if (call.to !== undefined) out.to = call.to;
  if (call.gas !== undefined) out.gas = q(call.gas);
  if (call.gasPrice !== undefined) out.gasPrice = q(call.gasPrice);
  if (call.maxFeePerGas !== undefined) out.maxFeePerGas = q(call.maxFeePerGas);
  if (call.maxPriorityFeePerGas !== undefined) out.maxPriorityFeePerGas = q(call.maxPriorityFeePerGas);
  if (call.value !== undefined) out.value = q(call.value);
  if (call.data !== undefined) out.data = call.data;
  if (call.nonce !== undefined) out.nonce = q(call.nonce);
  if (call.type !== undefined) out.type = q(call.type);
  if (call.accessList !== undefined) out.accessList = call.accessList;
  return out;
}

const FILTER_FIELDS = ["address", "topics", "fromBlock", "toBlock", "blockHash"] as const;

export function logFilter(value: unknown, field: string): LogFilter {
  const o = object(value, field, FILTER_FIELDS);
  const addresses = o.address === undefined || o.address === null ? undefined
    : Array.isArray(o.address) ? list(o.address, `${field}.address`, MAX_ADDRESSES, address) : [address(o.address, `${field}.address`)];
  const topics = o.topics === undefined || o.topics === null ? [] : list(o.topics, `${field}.topics`, 4, (t, f) =>
    t === null ? null : Array.isArray(t) ? list(t, f, MAX_TOPIC_ALTERNATIVES, (x, g) => hash(x, g)) : [hash(t, f)]);
  const where = { ...(addresses ? { address: addresses } : {}), topics };
  if (o.blockHash !== undefined) {
    if (o.fromBlock !== undefined || o.toBlock !== undefined) throw invalid(field, "must not carry blockHash with fromBlock or toBlock");
    return { ...where, blockHash: hash(o.blockHash, `${field}.blockHash`) };
  }
  return {
    ...where,
    fromBlock: o.fromBlock === undefined ? { tag: "latest" } : blockRef(o.fromBlock, `${field}.fromBlock`, false),
    toBlock: o.toBlock === undefined ? { tag: "latest" } : blockRef(o.toBlock, `${field}.toBlock`, false),
  };
}

/** `params` has exactly the positions `min..max` (trailing optional ones may be absent). */
export function arity(params: unknown[], min: number, max: number): void {
  if (params.length < min || params.length > max) {
    throw invalid("params", min === max ? `must have ${min} entr${min === 1 ? "y" : "ies"}` : `must have ${min} to ${max} entries`);
  }
}

export function flag(value: unknown, field: string): boolean {
  return bool(value, field);
}

export function feeHistoryPercentiles(value: unknown, field: string): number[] {
  const out = list(value, field, 100, (v, f) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 100) throw invalid(f, "must be a number from 0 to 100");
    return v;
  });
  for (let i = 1; i < out.length; i++) if (out[i] < out[i - 1]) throw invalid(field, "must be in increasing order");
  return out;
}
