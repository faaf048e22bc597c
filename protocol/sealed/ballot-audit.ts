// The Benaloh challenge (PROTOCOL.md §11.8): before casting, a voter may ask the widget to
// show that the ballot it sealed encrypts the choice on screen. The widget then reveals
// every cell's randomness in an audit file and never casts that ballot (it seals the
// choice again, with fresh randomness, for casting). Anyone checks the file with code the
// widget's host did not serve (`urne audit-ballot FILE`, or the verify page of another
// origin):
//   A1 the file has the format below (strict: no unknown or missing field)
//   A2 the tracker is keccak256(payload)
//   A3 the payload is a valid sealed ballot of this voter, ballot and key (every proof)
//   A4 each cell k is exactly (r_k·G, r_k·Y + m_k·G), m the one-hot cells of the choice:
//      the ballot encrypts this choice and no other
// A widget that encrypted another choice than the one shown is caught with probability 1
// on an audited ballot; as it cannot tell in advance which ballots will be audited, a
// widget that cheats often is caught soon.
import { getAddress } from "ethers";
import { BallotKind, validateRules, type BallotRules } from "../ballot.js";
import { UrneError, ErrorCode } from "../errors.js";
import { parseAddress, parseDecimal } from "../fields.js";
import { parseHex, toHex } from "../hex.js";
import type { Choice } from "../payload.js";
import { sealedContext } from "./ballot-context.js";
import { encrypt } from "./elgamal.js";
import { decodePoint, decodeScalar, encodeScalar, type Point } from "./group.js";
import { cellValues } from "./sealed-layout.js";
import { verifySealedBallot, type SealedBallot } from "./sealed-ballot.js";
import type { SealedPayload } from "./sealed-payload.js";
import { trackerOf } from "./tracker.js";

export const AUDIT_TAG = "audit/2";

export type BallotAudit = {
  urne: typeof AUDIT_TAG;
  chainId: bigint;
  ballotBox: string;
  ballotId: bigint;
  voter: string;
  /** 33 bytes, hex. */
  electionKey: string;
  electionKeyHash: string;
  rules: BallotRules;
  choice: Choice;
  payload: string;
  tracker: string;
  /** Each cell's randomness, 32 bytes hex, in cell order. */
  randomness: string[];
};

const FIELDS = ["urne", "chainId", "ballotBox", "ballotId", "voter", "electionKey", "electionKeyHash", "rules", "choice", "payload", "tracker", "randomness"] as const;

const invalid = (field: string, why: string): never => {
  throw new UrneError(ErrorCode.ERR_INVALID_AUDIT, `${field} ${why}`, { field });
};

/** The audit file of a ballot just sealed (never to be cast). */
export function ballotAudit(o: { chainId: bigint; ballotBox: string; ballotId: bigint; voter: string; electionKey: Point; electionKeyHash: string; rules: BallotRules; choice: Choice; sealed: SealedBallot }): BallotAudit {
  return {
    urne: AUDIT_TAG, chainId: o.chainId, ballotBox: getAddress(o.ballotBox), ballotId: o.ballotId, voter: getAddress(o.voter),
    electionKey: toHex(o.electionKey.toBytes(true)), electionKeyHash: o.electionKeyHash, rules: o.rules, choice: o.choice,
    payload: toHex(o.sealed.payload), tracker: o.sealed.tracker, randomness: o.sealed.opening.map((c) => toHex(encodeScalar(c.randomness))),
  };
}

export function serializeBallotAudit(a: BallotAudit): string {
  return JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, typeof a[f] === "bigint" ? a[f].toString() : a[f]])), null, 2);
}

/** A1: parses an audit file strictly (ERR_INVALID_AUDIT naming the field). */
export function parseBallotAudit(text: string): BallotAudit {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return invalid("audit", "is not JSON");
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) invalid("audit", "is not a JSON object");
  for (const k of Object.keys(o)) if (!(FIELDS as readonly string[]).includes(k)) invalid(k, "is not a field of an audit file");
  for (const k of FIELDS) if (!(k in o)) invalid(k, "is missing");
  if (o.urne !== AUDIT_TAG) invalid("urne", `must be "${AUDIT_TAG}"`);
  const rules = o.rules as BallotRules;
  try {
    validateRules(rules);
  } catch (error) {
    invalid("rules", `are not a ballot's rules: ${(error as Error).message}`);
  }
  const choice = o.choice as Choice;
  if (typeof choice !== "object" || choice === null || choice.kind !== rules.kind) invalid("choice", "is not a choice of the ballot's kind");
  if (!Array.isArray(o.randomness)) invalid("randomness", "must be an array");
  const hex32 = (v: unknown, f: string) => {
    const b = parseHex(v, f);
    if (b.length !== 32) invalid(f, "must be 32 bytes");
    return toHex(b);
  };
  return {
    urne: AUDIT_TAG,
    chainId: parseDecimal(o.chainId, "chainId", 256, 1n),
    ballotBox: parseAddress(o.ballotBox, "ballotBox"),
    ballotId: parseDecimal(o.ballotId, "ballotId", 256, 1n),
    voter: parseAddress(o.voter, "voter"),
    electionKey: toHex(parseHex(o.electionKey, "electionKey")),
    electionKeyHash: hex32(o.electionKeyHash, "electionKeyHash"),
    rules: { kind: rules.kind, optionCount: rules.optionCount, minChoices: rules.minChoices, maxChoices: rules.maxChoices },
    choice,
    payload: toHex(parseHex(o.payload, "payload")),
    tracker: hex32(o.tracker, "tracker"),
    randomness: (o.randomness as unknown[]).map((r, k) => hex32(r, `randomness[${k}]`)),
  };
}

/** A2: the tracker is keccak256(payload). */
export function checkAuditTracker(a: BallotAudit): void {
  if (trackerOf(parseHex(a.payload, "payload")) !== a.tracker) throw new UrneError(ErrorCode.ERR_AUDIT_MISMATCH, "tracker is not keccak256(payload) (A2)", { field: "tracker" });
}

/** A3: the payload is a valid sealed ballot of the file's voter, ballot and key (every proof); its cells. */
export function checkAuditProofs(a: BallotAudit): SealedPayload {
  const electionKey = decodePoint(parseHex(a.electionKey, "electionKey"), "electionKey");
  const context = sealedContext({ chainId: a.chainId, ballotBox: a.ballotBox, ballotId: a.ballotId, electionKeyHash: a.electionKeyHash, rules: a.rules, voter: a.voter });
  return verifySealedBallot({ context, electionKey, rules: a.rules, payload: parseHex(a.payload, "payload") });
}

/** A4: each cell is exactly the encryption of the file's choice with the file's randomness. */
export function checkAuditEncryption(a: BallotAudit, decoded: SealedPayload): void {
  const electionKey = decodePoint(parseHex(a.electionKey, "electionKey"), "electionKey");
  let values: number[];
  try {
    values = cellValues(a.rules, a.choice);
  } catch (error) {
    throw new UrneError(ErrorCode.ERR_INVALID_AUDIT, `choice is not valid for the ballot's rules: ${(error as Error).message}`, { field: "choice" });
  }
  if (a.randomness.length !== values.length) throw new UrneError(ErrorCode.ERR_INVALID_AUDIT, `randomness must hold ${values.length} values, one per cell`, { field: "randomness" });
  values.forEach((m, k) => {
    const r = decodeScalar(parseHex(a.randomness[k], `randomness[${k}]`), `randomness[${k}]`);
    const expected = r === 0n ? undefined : encrypt(electionKey, BigInt(m), r);
    if (!expected || !expected.A.equals(decoded.cells[k].A) || !expected.B.equals(decoded.cells[k].B)) {
      throw new UrneError(ErrorCode.ERR_AUDIT_MISMATCH, `cell ${k} does not encrypt ${m} with randomness[${k}]: the ballot does not encrypt this choice (A4)`, { field: `randomness[${k}]` });
    }
  });
}

/** A2-A4: the audited ballot is valid and encrypts the file's choice; throws naming the first check that fails. */
export function checkBallotAudit(a: BallotAudit): { tracker: string; choice: Choice } {
  checkAuditTracker(a);
  checkAuditEncryption(a, checkAuditProofs(a));
  return { tracker: a.tracker, choice: a.choice };
}

/** The choice in words of the ballot's kind, for a report ("option 2", "options 1, 3", "grades 5, 0, 3"). */
export function describeChoice(choice: Choice): string {
  switch (choice.kind) {
    case BallotKind.SingleChoice: return `option ${choice.option}`;
    case BallotKind.MultipleChoice: return `options ${choice.options.join(", ") || "none"}`;
    default: return `grades ${choice.grades.join(", ")}`;
  }
}
