import { UrneError } from "../../protocol/errors.js";

/** A ballot id as a path segment: canonical decimal, 1 to 2^256 - 1 (the contract numbers ballots from 1). */
const BALLOT_ID_RE = /^[1-9][0-9]{0,77}$/;

/**
 * The one way the server reads a ballot id from outside (a path, a query, a body): anything
 * else is ERR_BALLOT_NOT_FOUND naming `field`, since no ballot can have that id.
 */
export function parseBallotId(value: unknown, field = "ballotId"): bigint {
  if (typeof value === "bigint" && value > 0n && value < 1n << 256n) return value;
  if (typeof value === "string" && BALLOT_ID_RE.test(value)) {
    const id = BigInt(value);
    if (id < 1n << 256n) return id;
  }
  throw new UrneError("ERR_BALLOT_NOT_FOUND", "No such ballot.", { field });
}

/** True when `value` is a ballot id as parseBallotId reads it. */
export const isBallotId = (value: string) => {
  try {
    parseBallotId(value);
    return true;
  } catch {
    return false;
  }
};
