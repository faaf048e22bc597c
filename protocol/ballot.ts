// Ballot kinds, rules and parameters (PROTOCOL.md §2). The TypeScript types match the
// Solidity structs of contracts/interfaces/IBallotBox.sol field for field.
import { BallotKind, MAX_OPTIONS, MJ_GRADE_COUNT } from "./constants.js";
import { UrneError, ErrorCode } from "./errors.js";

export { BallotKind, MAX_OPTIONS, MJ_GRADE_COUNT };

/** What the payload rules (§5) need to know of a ballot. */
export type BallotRules = { kind: BallotKind; optionCount: number; minChoices: number; maxChoices: number };

/** Mirror of the Solidity `BallotParams` struct (createBallot, BallotCreated). Hex strings are 0x-prefixed. */
export type BallotParams = {
  kind: number;
  minChoices: number;
  maxChoices: number;
  opensAt: bigint;
  closesAt: bigint;
  allowRevote: boolean;
  liveResults: boolean;
  /** 256-byte RSA modulus, hex (§2.5). */
  issuerModulus: string;
  /** Issuer key proof, 2,560 bytes, hex (§2.5): gcd(65537, φ(n)) = 1, checked by createBallot. */
  issuerKeyProof: string;
  question: string;
  options: string[];
};

/** Mirror of the Solidity `SignedVote` struct (castVote, castVotes). Hex strings are 0x-prefixed. */
export type SignedVote = {
  ballotId: bigint;
  voter: string;
  revision: number;
  payload: string;
  tokenSignature: string;
  voterSignature: string;
};

/** Options of a yes/no question when the organizer gives none (§2.2). */
export const DEFAULT_SINGLE_CHOICE_OPTIONS: readonly string[] = Object.freeze(["Pour", "Contre", "Abstention"]);

/** Majority-judgment grades from worst (0) to best (5), as LaPrimaire.org worded them (§2.3). */
export const MJ_GRADES: readonly string[] = Object.freeze(["À rejeter", "Insuffisant", "Passable", "Assez bien", "Bien", "Très bien"]);

/** English labels of the same grades (Balinski and Laraki's usual translation). */
export const MJ_GRADES_EN: readonly string[] = Object.freeze(["Reject", "Poor", "Acceptable", "Good", "Very good", "Excellent"]);

function isInteger(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v);
}

/** Checks the limits of §2.2 and returns the rules; UrneError ERR_INVALID_RULES names the field. */
export function validateRules(rules: BallotRules): BallotRules {
  const reject = (field: string, why: string): never => {
    throw new UrneError(ErrorCode.ERR_INVALID_RULES, `${field} ${why}`, { field });
  };
  const { kind, optionCount, minChoices, maxChoices } = rules;
  if (kind !== BallotKind.SingleChoice && kind !== BallotKind.MultipleChoice && kind !== BallotKind.MajorityJudgment) {
    reject("kind", "must be 0 (SingleChoice), 1 (MultipleChoice) or 2 (MajorityJudgment)");
  }
  if (!isInteger(optionCount) || optionCount < 2 || optionCount > MAX_OPTIONS) reject("optionCount", `must be an integer in [2, ${MAX_OPTIONS}]`);
  if (!isInteger(minChoices)) reject("minChoices", "must be an integer");
  if (!isInteger(maxChoices)) reject("maxChoices", "must be an integer");
  if (kind === BallotKind.MultipleChoice) {
    if (minChoices < 1 || minChoices > optionCount) reject("minChoices", `must be in [1, optionCount = ${optionCount}]`);
    if (maxChoices < minChoices || maxChoices > optionCount) reject("maxChoices", `must be in [minChoices = ${minChoices}, optionCount = ${optionCount}]`);
  } else {
    // §2.2: ignored by these kinds, hence required to be 0 so a ballot has one encoding.
    if (minChoices !== 0) reject("minChoices", "must be 0 for this kind");
    if (maxChoices !== 0) reject("maxChoices", "must be 0 for this kind");
  }
  return rules;
}

/** The rules of a ballot from its on-chain parameters, validated. */
export function rulesFromParams(params: Pick<BallotParams, "kind" | "minChoices" | "maxChoices" | "options">): BallotRules {
  return validateRules({
    kind: params.kind as BallotKind,
    optionCount: params.options.length,
    minChoices: params.minChoices,
    maxChoices: params.maxChoices,
  });
}

/**
 * Mirror of the Solidity `BallotInfo` struct, what the `ballot(ballotId)` view returns
 * (PROTOCOL.md §6.6): what a vote is checked against (vote-check.ts). Hex is 0x-prefixed.
 */
export type BallotOnChain = {
  kind: number;
  minChoices: number;
  maxChoices: number;
  optionCount: number;
  opensAt: bigint;
  closesAt: bigint;
  allowRevote: boolean;
  liveResults: boolean;
  organizer: string;
  /** 0 unless closed early by the organizer (closeBallot). */
  closedAt: bigint;
  tokensIssued: bigint;
  votersCount: bigint;
  /** 256-byte RSA modulus, hex (§2.5). */
  issuerModulus: string;
  /**
   * A sealed ballot (§11.9): its payloads are checked by length and version byte (§6.2
   * check 4′). Not a field of `BallotInfo`: the `sealing` view, or the ballot's
   * BallotSealed event, tells it; absent means a public ballot.
   */
  isSealed?: boolean;
};
