// Validators for scalar fields that arrive from outside (API bodies, chain events,
// proof files). Each names the field it rejects (docs/STYLE.md habit 6).
import { getAddress } from "ethers";
import { UrneError, ErrorCode } from "./errors.js";

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const DECIMAL_RE = /^(?:0|[1-9][0-9]*)$/;

/**
 * An Ethereum address, returned checksummed. All-lower or all-upper case is accepted;
 * mixed case must carry a valid EIP-55 checksum (a typo must not silently pass).
 */
export function parseAddress(value: unknown, field: string): string {
  if (typeof value !== "string" || !ADDRESS_RE.test(value)) {
    throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} must be a 0x-prefixed 20-byte address`, { field });
  }
  try {
    return getAddress(value);
  } catch (cause) {
    throw new UrneError(ErrorCode.ERR_INVALID_ADDRESS, `${field} has an invalid EIP-55 checksum`, { field, cause });
  }
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
