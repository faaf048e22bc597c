// Validators for scalar fields that arrive from outside (API bodies, chain events,
// proof files). Each names the field it rejects (docs/STYLE.md habit 6).
import { getBytes, keccak256 } from "ethers";
import { UrneError, ErrorCode } from "./errors.js";

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const MIXED_CASE_RE = /[a-f].*[A-F]|[A-F].*[a-f]/;
const DECIMAL_RE = /^(?:0|[1-9][0-9]*)$/;

/** keccak256 over bytes; ethers' (JavaScript) unless a caller passes a faster one. */
type Keccak256 = (data: Uint8Array) => Uint8Array;
const keccakJs: Keccak256 = (data) => getBytes(keccak256(data));

/**
 * EIP-55: the checksummed form of a 20-byte address given as 40 lower-case hex digits (a
 * letter is upper case where the keccak256 of the lower-case text has a nibble >= 8).
 */
export function checksumAddress(lowerHex40: string, keccak: Keccak256 = keccakJs): string {
  const hash = keccak(new TextEncoder().encode(lowerHex40));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? lowerHex40[i].toUpperCase() : lowerHex40[i];
  }
  return out;
}

/**
 * An Ethereum address, returned checksummed. All-lower or all-upper case is accepted;
 * mixed case must carry a valid EIP-55 checksum (a typo must not silently pass).
 * `checksum`: how to checksum 40 lower-case digits (keccak.node.ts passes the native keccak's).
 * test/protocol/fields.test.ts holds it to ethers' getAddress.
 */
export function parseAddress(value: unknown, field: string, checksum: (lowerHex40: string) => string = checksumAddress): string {
  if (typeof value !== "string" || !ADDRESS_RE.test(value)) {
    throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} must be a 0x-prefixed 20-byte address`, { field });
  }
  const body = value.slice(2);
  const checksummed = checksum(body.toLowerCase());
  if (MIXED_CASE_RE.test(body) && checksummed !== value) {
    throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} has an invalid EIP-55 checksum`, { field });
  }
  return checksummed;
}

/** Checks that a bigint fits an unsigned Solidity integer of `bits` bits and is >= min. */
export function checkUint(value: unknown, bits: number, field: string, min = 0n): bigint {
  if (typeof value !== "bigint") {
    throw new UrneError(ErrorCode.ERR_INVALID_INTEGER, `${field} must be a bigint`, { field });
  }
  if (value < min || value >= 1n << BigInt(bits)) {
    throw new UrneError(ErrorCode.ERR_INVALID_INTEGER, `${field} must be in [${min}, 2^${bits})`, { field });
  }
  return value;
}

/** A JS number that is an integer in [min, max] (uint32 revisions, block numbers, indices). */
export function checkSafeInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UrneError(ErrorCode.ERR_INVALID_INTEGER, `${field} must be an integer in [${min}, ${max}]`, { field });
  }
  return value;
}

/**
 * A canonical decimal string (no sign, no leading zero, no exponent) for integers that
 * may exceed 2^53 in JSON (PROTOCOL.md §7), parsed as a uint of `bits` bits.
 */
export function parseDecimal(value: unknown, field: string, bits = 256, min = 0n): bigint {
  if (typeof value !== "string" || !DECIMAL_RE.test(value) || value.length > 78) {
    throw new UrneError(ErrorCode.ERR_INVALID_INTEGER, `${field} must be a canonical decimal string`, { field });
  }
  return checkUint(BigInt(value), bits, field, min);
}
