// A sealed ballot's tracker (PROTOCOL.md §11.8): keccak256 of its payload, what the voter's
// record keeps (its last 24 bytes: uint192, PROTOCOL.md §11.9) and the proof of vote names. Shown to people as the
// Crockford base32 of its first 10 bytes in four groups of four, e.g. "7KQ2-M9XD-4TGH-0WZ1":
// short enough to read aloud and compare on another device, 80 bits so that no two ballots
// of a ballot box share one by chance. Crockford's alphabet has no I, L, O or U.
import { getBytes, keccak256 } from "ethers";
import { MAX_OPTIONS } from "../constants.js";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** keccak256(payload), 0x hex. */
export const trackerOf = (payload: Uint8Array): string => keccak256(payload);

/**
 * A proof's payload, 0x hex, as people compare it: the tracking code when it is a sealed
 * ballot's, undefined for a public one. A payload longer than any public ballot's (one byte
 * per option at most, MAX_OPTIONS) is sealed (PROTOCOL.md §11.2: the shortest, two options,
 * is 163 bytes).
 */
export function sealedTrackerText(payload: string): string | undefined {
  const bytes = getBytes(payload);
  return bytes.length > MAX_OPTIONS ? trackerText(trackerOf(bytes)) : undefined;
}

/** The tracker as people read it: 16 Crockford base32 characters of its first 80 bits, in groups of 4. */
export function trackerText(tracker: string): string {
  const bytes = getBytes(tracker);
  if (bytes.length !== 32) throw new TypeError("trackerText: a tracker is 32 bytes");
  let bits = 0n;
  for (const b of bytes.subarray(0, 10)) bits = (bits << 8n) | BigInt(b);
  let text = "";
  for (let i = 15; i >= 0; i--) text += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return text.match(/.{4}/g)!.join("-");
}
