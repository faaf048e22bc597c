// keccak256 for Node's hot paths (the relay's and the recount's checks of every vote):
// the `keccak` package's native sponge (the Keccak team's reference code, shipped as a
// prebuilt binary: no install script runs) hashes a short input in about 1 µs, ethers'
// pure-JS keccak in about 13 µs, and a vote check needs six of them. The package's own
// front end wraps every hash in a stream object, which costs more than the hash: this
// drives the sponge directly (initialize, absorb, squeeze). Where no binary fits the
// platform, ethers' keccak answers: same function, test/protocol/keccak-node.test.ts
// compares both on random inputs.
import { createRequire } from "node:module";
import path from "node:path";
import { getBytes, keccak256 as keccak256Js } from "ethers";
import { UrneError, ErrorCode } from "./errors.js";

/** The binding's Keccak sponge (keccak/src/addon.cc). */
type KeccakState = { initialize(rate: number, capacity: number): void; absorb(data: Buffer): void; squeeze(length: number): Buffer };

function nativeKeccak(): ((data: Uint8Array) => Uint8Array) | undefined {
  try {
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(require.resolve("keccak/package.json"));
    // node-gyp-build is the keccak package's own loader: it picks the prebuilt binary.
    const load = createRequire(path.join(packageDir, "package.json"))("node-gyp-build") as (dir: string) => unknown;
    const State = load(packageDir) as new () => KeccakState;
    const state = new State();
    // Keccak-256 (Ethereum's, not SHA3-256): rate 1088, capacity 512, the original 0x01 padding.
    return (data) => {
      state.initialize(1088, 512);
      state.absorb(Buffer.from(data.buffer, data.byteOffset, data.byteLength)); // a view, no copy
      return state.squeeze(32);
    };
  } catch {
    return undefined;
  }
}

const javascript = (data: Uint8Array): Uint8Array => getBytes(keccak256Js(data));

const native = nativeKeccak();

/** Which implementation runs here (the tests check both). */
export const KECCAK_BACKEND: "native" | "javascript" = native ? "native" : "javascript";

/** keccak256 of `data`, 32 bytes. */
export const keccak256Bytes: (data: Uint8Array) => Uint8Array = native ?? javascript;

/** The pure-JS implementation, for the cross-check. */
export const keccak256BytesJs = javascript;

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
