// keccak256 for Node's hot paths (the relay's and the recount's checks of every vote):
// the `keccak` package (the Keccak team's reference code, shipped as a prebuilt binary: no
// install script runs; the package falls back to its own JavaScript where no binary fits),
// through its public API. It hashes a short input in about 6 µs, ethers' pure-JS keccak in
// about 11-13 µs, and a vote check needs six of them. Driving the binding's sponge directly
// saved 3-4 µs more per hash, but meant loading the package's internal addon: not done.
// test/protocol/keccak-node.test.ts holds it to ethers' keccak on random inputs.
import { createRequire } from "node:module";
import { checksumAddress, parseAddress } from "./fields.js";

type KeccakHash = { update(data: Buffer): KeccakHash; digest(): Buffer };
const createKeccakHash = createRequire(import.meta.url)("keccak") as (algorithm: "keccak256") => KeccakHash;

/** keccak256 of `data`, 32 bytes. */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  return createKeccakHash("keccak256").update(Buffer.from(data.buffer, data.byteOffset, data.byteLength)).digest(); // a view, no copy
}

// A vote check checksums its voter three times (the log's topic, checkVote's parse of it,
// the address its signature recovers): the last answer is kept.
let lastLower = "";
let lastChecksummed = "";

/** EIP-55 (fields.ts's checksumAddress) with the native keccak, the last answer kept. */
export function checksumAddressFast(lowerHex40: string): string {
  if (lowerHex40 !== lastLower) {
    lastChecksummed = checksumAddress(lowerHex40, keccak256Bytes);
    lastLower = lowerHex40;
  }
  return lastChecksummed;
}

/** fields.ts `parseAddress` with the native keccak: the same verdicts and errors (keccak-node.test.ts). */
export function parseAddressFast(value: unknown, field: string): string {
  return parseAddress(value, field, checksumAddressFast);
}
