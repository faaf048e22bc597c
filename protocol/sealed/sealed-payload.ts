// The bytes of a sealed ballot (PROTOCOL.md §11.2), canonical:
//   0x02 ‖ A_1 B_1 ‖ ... ‖ A_K B_K ‖ π_1 ‖ ... ‖ π_K ‖ σ_1 ‖ ... ‖ σ_S
// K cells in tally order (sealed-layout.ts), π_k = c_0 ‖ c_1 ‖ v_0 ‖ v_1 the cell's 0/1
// proof, σ_s = c_0 ‖ ... ‖ c_m ‖ v_0 ‖ ... ‖ v_m the s-th sum's proof over its set; each
// challenge c_j 16 bytes (a number below 2^128, challenge.ts), each response v_j 32.
// Decoding checks the length, the version, every point (valid, not the identity) and every
// response (< n), and refuses two cells with the same A (the same randomness twice would give
// away the difference of their plaintexts); it checks no proof (sealed-ballot.ts does).
// A payload's cells are checked in order, then its proofs: the first fault found is named.
import type { BallotRules } from "../ballot.js";
import { UrneError, ErrorCode } from "../errors.js";
import { BALLOT_CHALLENGE_BYTES, decodeBallotChallenge, encodeBallotChallenge } from "./challenge.js";
import type { Ciphertext } from "./elgamal.js";
import { decodePoint, decodeScalar, encodePoint, encodeScalar, POINT_BYTES, SCALAR_BYTES } from "./group.js";
import type { MembershipProof } from "./membership-proof.js";
import { CELL_VALUES, SEALED_PAYLOAD_VERSION, sealedLayout } from "./sealed-layout.js";

export type SealedPayload = { cells: Ciphertext[]; cellProofs: MembershipProof[]; sumProofs: MembershipProof[] };

export function encodeSealedPayload(rules: BallotRules, p: SealedPayload): Uint8Array {
  const layout = sealedLayout(rules);
  if (p.cells.length !== layout.cells || p.cellProofs.length !== layout.cells || p.sumProofs.length !== layout.sums.length) {
    throw new TypeError("encodeSealedPayload: cells, cell proofs or sum proofs do not match the ballot's layout");
  }
  const out = new Uint8Array(layout.bytes);
  let at = 0;
  const put = (bytes: Uint8Array) => {
    out.set(bytes, at);
    at += bytes.length;
  };
  out[at++] = SEALED_PAYLOAD_VERSION;
  for (const c of p.cells) {
    put(encodePoint(c.A));
    put(encodePoint(c.B));
  }
  for (const proof of [...p.cellProofs, ...p.sumProofs]) {
    for (const c of proof.challenges) put(encodeBallotChallenge(c));
    for (const v of proof.responses) put(encodeScalar(v));
  }
  if (at !== layout.bytes) throw new TypeError("encodeSealedPayload: a proof does not match its set's size");
  return out;
}

/** A sealed payload cut into its parts: points still as bytes (prefix checked, not the curve), scalars read. */
export type SealedPayloadParts = { cells: { A: Uint8Array; B: Uint8Array }[]; cellProofs: MembershipProof[]; sumProofs: MembershipProof[] };

/**
 * Checks everything of the format but the curve: length, version, each point's prefix,
 * each response < n, no A twice. The one parser of the format, for both verifiers: each then
 * checks the points on the curve its own way (decodeSealedPayload, verify-sealed.node.ts).
 */
export function splitSealedPayload(rules: BallotRules, bytes: Uint8Array, field = "payload"): SealedPayloadParts {
  const layout = sealedLayout(rules);
  const invalid = (f: string, why: string): never => {
    throw new UrneError(ErrorCode.ERR_INVALID_PAYLOAD, `${f} ${why}`, { field: f });
  };
  if (bytes.length !== layout.bytes) invalid(field, `must be ${layout.bytes} bytes for this sealed ballot, got ${bytes.length}`);
  if (bytes[0] !== SEALED_PAYLOAD_VERSION) invalid(`${field}[0]`, `must be the sealed payload version 0x02, got 0x${bytes[0].toString(16).padStart(2, "0")}`);
  let at = 1;
  const take = (n: number) => bytes.subarray(at, (at += n));
  const point = (f: string) => {
    const p = take(POINT_BYTES);
    if (p[0] !== 2 && p[0] !== 3) invalid(f, "must be a compressed point (prefix 02 or 03)");
    return p;
  };
  const cells: SealedPayloadParts["cells"] = [];
  const seen = new Set<string>();
  for (let k = 0; k < layout.cells; k++) {
    const A = point(`${field}.cells[${k}].A`);
    const B = point(`${field}.cells[${k}].B`);
    const key = Array.from(A, (b) => b.toString(16).padStart(2, "0")).join("");
    if (seen.has(key)) invalid(`${field}.cells[${k}].A`, "repeats an earlier cell's A (the same randomness twice)");
    seen.add(key);
    cells.push({ A, B });
  }
  const proof = (size: number, name: string): MembershipProof => {
    const challenges = Array.from({ length: size }, () => decodeBallotChallenge(take(BALLOT_CHALLENGE_BYTES)));
    const responses = Array.from({ length: size }, (_, j) => decodeScalar(take(SCALAR_BYTES), `${name}.responses[${j}]`));
    return { challenges, responses };
  };
  const cellProofs = Array.from({ length: layout.cells }, (_, k) => proof(CELL_VALUES.length, `${field}.cellProofs[${k}]`));
  const sumProofs = layout.sums.map((s, i) => proof(s.values.length, `${field}.sumProofs[${i}]`));
  return { cells, cellProofs, sumProofs };
}

/** Parses a sealed payload, every point checked on the curve (ERR_INVALID_PAYLOAD naming the field); checks no proof. */
export function decodeSealedPayload(rules: BallotRules, bytes: Uint8Array, field = "payload"): SealedPayload {
  const parts = splitSealedPayload(rules, bytes, field);
  const cells = parts.cells.map((c, k) => ({ A: decodePoint(c.A, `${field}.cells[${k}].A`), B: decodePoint(c.B, `${field}.cells[${k}].B`) }));
  return { cells, cellProofs: parts.cellProofs, sumProofs: parts.sumProofs };
}
