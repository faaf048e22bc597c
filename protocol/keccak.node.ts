// keccak256 for Node's hot paths (the relay's and the recount's checks of every vote):
// the `keccak` package's native binding (the Keccak team's reference code, shipped as a
// prebuilt binary: no install script runs) hashes a short input in about 4 µs, ethers'
// pure-JS keccak in about 13 µs, and a vote check needs six of them. Where no binary fits
// the platform, ethers' keccak answers: same function, test/protocol/keccak-node.test.ts
// compares both on random inputs.
import { createRequire } from "node:module";
import { getBytes, keccak256 as keccak256Js } from "ethers";

type Hasher = { update(data: Uint8Array): Hasher; digest(): Buffer };

function nativeKeccak(): ((data: Uint8Array) => Uint8Array) | undefined {
  try {
    const create = createRequire(import.meta.url)("keccak/bindings") as (algorithm: string) => Hasher;
    // It takes Buffers only: a view on the same memory, no copy.
    return (data) => create("keccak256").update(Buffer.from(data.buffer, data.byteOffset, data.byteLength)).digest();
  } catch {
    return undefined;
  }
}

const javascript = (data: Uint8Array): Uint8Array => getBytes(keccak256Js(data));

/** Which implementation runs here (the tests check both). */
export const KECCAK_BACKEND: "native" | "javascript" = nativeKeccak() ? "native" : "javascript";

/** keccak256 of `data`, 32 bytes. */
export const keccak256Bytes: (data: Uint8Array) => Uint8Array = nativeKeccak() ?? javascript;

/** The pure-JS implementation, for the cross-check. */
export const keccak256BytesJs = javascript;

/** EIP-55 checksummed form of a 20-byte address given as 40 lower-case hex digits. */
export function checksumAddress(lowerHex40: string): string {
  const hash = keccak256Bytes(new TextEncoder().encode(lowerHex40));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? lowerHex40[i].toUpperCase() : lowerHex40[i];
  }
  return out;
}
