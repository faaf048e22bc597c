// keccak256 for Node's hot paths (the relay's and the recount's checks of every vote):
// the `keccak` package (the Keccak team's reference code, shipped as a prebuilt binary: no
// install script runs; the package falls back to its own JavaScript where no binary fits),
// through its public API. It hashes a short input in about 6 µs, ethers' pure-JS keccak in
// about 11-13 µs, and a vote check needs six of them. Driving the binding's sponge directly
// saved 3-4 µs more per hash, but meant loading the package's internal addon: not done.
// test/protocol/keccak-node.test.ts holds it to ethers' keccak on random inputs.
import { createRequire } from "node:module";
import { UrneError, ErrorCode } from "./errors.js";

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

/** EIP-55 checksummed form of a 20-byte address given as 40 lower-case hex digits. */
export function checksumAddress(lowerHex40: string): string {
  if (lowerHex40 === lastLower) return lastChecksummed;
  const hash = keccak256Bytes(Buffer.from(lowerHex40, "latin1"));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? lowerHex40[i].toUpperCase() : lowerHex40[i];
  }
  lastLower = lowerHex40;
  lastChecksummed = out;
  return out;
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const MIXED_CASE_RE = /[a-f].*[A-F]|[A-F].*[a-f]/;

/**
 * fields.ts `parseAddress` with the native keccak: the checksummed address, or
 * ERR_INVALID_ADDRESS naming `field` (a mixed-case address must carry a valid EIP-55
 * checksum, as ethers' getAddress requires). Same verdicts: keccak-node.test.ts.
 */
export function parseAddressFast(value: unknown, field: string): string {
  if (typeof value !== "string" || !ADDRESS_RE.test(value)) {
    throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} must be a 0x-prefixed 20-byte address`, { field });
  }
  const body = value.slice(2);
  const checksummed = checksumAddress(body.toLowerCase());
  if (MIXED_CASE_RE.test(body) && checksummed !== value) {
    throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} has an invalid EIP-55 checksum`, { field });
  }
  return checksummed;
}
