// One error type for every bad input that reaches the protocol from outside
// (docs/STYLE.md habit 6): a stable `code` the API maps to an HTTP status in one place,
// and the `field` that was wrong, so that a widget or an observer can say what to fix.
// Caller misuse (a bug in our own code, such as passing a number where a bigint is
// required) is a plain TypeError instead, so it is never mistaken for a client's mistake.

/** Every code a protocol function can throw. Keys equal values, so `ErrorCode.X === "X"`. */
export const ErrorCode = {
  /** Not a 0x-prefixed, even-length hex string, or not of the length the format fixes. */
  ERR_INVALID_HEX: "ERR_INVALID_HEX",
  /** Not an Ethereum address (or a mixed-case address with a bad checksum). */
  ERR_INVALID_ADDRESS: "ERR_INVALID_ADDRESS",
  /** An integer out of its type's range, not an integer, or not in canonical decimal. */
  ERR_INVALID_INTEGER: "ERR_INVALID_INTEGER",
  /** Issuer modulus or JWK that is not an RSA-2048 public key with e = 65537 (§2.5). */
  ERR_INVALID_ISSUER_KEY: "ERR_INVALID_ISSUER_KEY",
  /** Blinded message of the wrong length or outside (0, n) (§3.3 step 2). */
  ERR_INVALID_BLINDED_MESSAGE: "ERR_INVALID_BLINDED_MESSAGE",
  /** Blind signature of the wrong length or >= n (§3.3 step 3). */
  ERR_INVALID_BLIND_SIGNATURE: "ERR_INVALID_BLIND_SIGNATURE",
  /** The unblinded token does not verify: the issuer answered wrongly (§3.3 step 3). */
  ERR_TOKEN_VERIFICATION_FAILED: "ERR_TOKEN_VERIFICATION_FAILED",
  /** The issuer's raw RSA operation failed its own check (fault-attack guard, §3.3 step 2). */
  ERR_SIGNING_FAULT: "ERR_SIGNING_FAULT",
  /** A voter signature that is not 65 bytes r ‖ s ‖ v with v ∈ {27, 28} and low s (§4). */
  ERR_INVALID_SIGNATURE: "ERR_INVALID_SIGNATURE",
  /** Ballot rules that break §2.2. */
  ERR_INVALID_RULES: "ERR_INVALID_RULES",
  /** A choice that cannot be encoded for the ballot's rules (§5). */
  ERR_INVALID_CHOICE: "ERR_INVALID_CHOICE",
  /** A payload that is not the canonical encoding of a valid choice (§5). */
  ERR_INVALID_PAYLOAD: "ERR_INVALID_PAYLOAD",
  /** A sealed ballot whose bytes are well formed but one of whose proofs does not verify (§11.5). */
  ERR_INVALID_BALLOT_PROOF: "ERR_INVALID_BALLOT_PROOF",
  /** A ballot audit file that is not valid JSON or does not follow §11.8. */
  ERR_INVALID_AUDIT: "ERR_INVALID_AUDIT",
  /** An audited ballot that does not encrypt the choice its audit file shows (§11.8). */
  ERR_AUDIT_MISMATCH: "ERR_AUDIT_MISMATCH",
  /** A key ceremony message or transcript that breaks §11.7; `field` names the trustee at fault when one is. */
  ERR_KEY_CEREMONY: "ERR_KEY_CEREMONY",
  /** A proof-of-vote file that is not valid JSON or does not follow §7. */
  ERR_INVALID_PROOF: "ERR_INVALID_PROOF",
  /** A log that claims to be a BallotBox event but does not decode (§6.5). */
  ERR_INVALID_EVENT: "ERR_INVALID_EVENT",
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export class UrneError extends Error {
  /** Stable machine-readable code, one of `ErrorCode`. */
  readonly code: string;
  /** Path of the offending input field, e.g. `"payload[2]"` or `"proof.voter"`. */
  readonly field?: string;
  /**
   * Every fault found when several fields of one input are wrong (an organizer's ballot):
   * the first is also `field` and the message. Absent when only one was checked or found.
   */
  readonly faults?: readonly { field: string; message: string }[];

  constructor(code: string, message: string, opts: { field?: string; cause?: unknown; faults?: readonly { field: string; message: string }[] } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "UrneError";
    this.code = code;
    if (opts.field !== undefined) this.field = opts.field;
    if (opts.faults !== undefined && opts.faults.length > 1) this.faults = opts.faults;
  }
}
