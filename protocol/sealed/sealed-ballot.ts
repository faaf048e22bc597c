// Sealing a choice and checking a sealed ballot (PROTOCOL.md §11.5). The widget seals in
// the browser; the relay, the trustees and every observer check each ballot before it
// counts: every cell encrypts 0 or 1, and each sum rule of the ballot's kind holds, all
// bound to the ballot's context (ballot-context.ts). This is the implementation in
// @noble/curves that runs everywhere; verify-sealed.node.ts checks the same proofs
// natively for the parts that check ballots by the thousand, held to the same vectors.
import type { BallotRules } from "../ballot.js";
import { UrneError, ErrorCode } from "../errors.js";
import type { Choice } from "../payload.js";
import { PROOF_DOMAIN } from "./challenge.js";
import { addCiphertexts, encrypt, type Ciphertext } from "./elgamal.js";
import { mod, randomScalar, type Point } from "./group.js";
import { proveMembership, verifyMembership } from "./membership-proof.js";
import { CELL_VALUES, cellValues, sealedLayout } from "./sealed-layout.js";
import { decodeSealedPayload, encodeSealedPayload, type SealedPayload } from "./sealed-payload.js";
import { trackerOf } from "./tracker.js";

export type SealInput = {
  /** sealedContext(...) of this voter's ballot. */
  context: Uint8Array;
  electionKey: Point;
  rules: BallotRules;
  choice: Choice;
  /** Draws the secret scalars (default: the CSPRNG). Test vectors pass a deterministic one. */
  random?: () => bigint;
  /** Called after each proof made (`done` of `total`): the widget shows the sealing's progress. */
  onProgress?: (done: number, total: number) => void;
};

export type SealedBallot = {
  payload: Uint8Array;
  /** keccak256(payload), 0x hex: what the voter's record keeps and the proof of vote names. */
  tracker: string;
  /** Each cell's plaintext and randomness: secret, shown only in an audit (a ballot never cast). */
  opening: { value: number; randomness: bigint }[];
};

export function sealBallot(input: SealInput): SealedBallot {
  const random = input.random ?? randomScalar;
  const layout = sealedLayout(input.rules);
  const values = cellValues(input.rules, input.choice);
  const Y = input.electionKey;
  const opening = values.map((value) => ({ value, randomness: random() }));
  const cells = opening.map((o) => encrypt(Y, BigInt(o.value), o.randomness));
  const steps = cells.length + layout.sums.length;
  let done = 0;
  const proved = <T>(proof: T): T => (input.onProgress?.(++done, steps), proof);
  const cellProofs = cells.map((ciphertext, k) =>
    proved(proveMembership({ domain: PROOF_DOMAIN.cell, context: input.context, electionKey: Y, ciphertext, values: CELL_VALUES }, opening[k].randomness, opening[k].value, random)));
  const sumProofs = layout.sums.map((rule) => {
    const part = opening.slice(rule.first, rule.first + rule.count);
    const total = BigInt(part.reduce((n, o) => n + o.value, 0));
    const r = mod(part.reduce((n, o) => n + o.randomness, 0n));
    const ciphertext = addCiphertexts(cells.slice(rule.first, rule.first + rule.count));
    return proved(proveMembership({ domain: PROOF_DOMAIN.sum, context: input.context, electionKey: Y, ciphertext, values: rule.values }, r, rule.values.indexOf(total), random));
  });
  const payload = encodeSealedPayload(input.rules, { cells, cellProofs, sumProofs });
  return { payload, tracker: trackerOf(payload), opening };
}

export type VerifyInput = { context: Uint8Array; electionKey: Point; rules: BallotRules; payload: Uint8Array; field?: string };

/**
 * Checks a sealed ballot: its bytes (ERR_INVALID_PAYLOAD, naming the field), then every
 * cell's proof in order, then every sum's (ERR_INVALID_BALLOT_PROOF, naming the first that
 * fails). Returns the decoded cells.
 */
export function verifySealedBallot(input: VerifyInput): SealedPayload {
  const field = input.field ?? "payload";
  const decoded = decodeSealedPayload(input.rules, input.payload, field);
  const base = { context: input.context, electionKey: input.electionKey };
  decoded.cells.forEach((ciphertext, k) => {
    if (!verifyMembership({ ...base, domain: PROOF_DOMAIN.cell, ciphertext, values: CELL_VALUES }, decoded.cellProofs[k])) {
      throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${field}.cellProofs[${k}] does not verify`, { field: `${field}.cellProofs[${k}]` });
    }
  });
  for (const [i, rule] of sealedLayout(input.rules).sums.entries()) {
    const name = `${field}.sumProofs[${i}]`;
    const ciphertext: Ciphertext = addCiphertexts(decoded.cells.slice(rule.first, rule.first + rule.count));
    // Only a prover who chose the randomness so can make it: no honest ballot has it.
    if (ciphertext.A.is0() || ciphertext.B.is0()) throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${name} is over cells that add up to the identity`, { field: name });
    if (!verifyMembership({ ...base, domain: PROOF_DOMAIN.sum, ciphertext, values: rule.values }, decoded.sumProofs[i])) {
      throw new UrneError(ErrorCode.ERR_INVALID_BALLOT_PROOF, `${name} does not verify`, { field: name });
    }
  }
  return decoded;
}
