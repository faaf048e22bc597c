// The disjunctive Chaum-Pedersen proof that an exponential-ElGamal ciphertext (A, B) under
// the election key Y encrypts one value of a public set M_0..M_k, without saying which
// (PROTOCOL.md §11.3; Belenios' `iprove`, Cramer-Damgård-Schoenmakers OR-composition):
//   for j != i (simulated): random c_j, v_j;  P_j = v_j·G + c_j·A,  Q_j = v_j·Y + c_j·(B − M_j·G)
//   for i (real, B = r·Y + M_i·G):  random w;  P_i = w·G,  Q_i = w·Y
//   h = H_dst(ctx, Y, A, B, k+1, M_0..M_k, P_0, Q_0, ..., P_k, Q_k)      (128 bits)
//   c_i = h − Σ_{j≠i} c_j  (mod 2^128),  v_i = w − r·c_i  (mod n)
// Challenges are 128-bit numbers that add up modulo 2^128 (challenge.ts): every c_j is
// uniform in [0, 2^128) whichever value is the real one, and two accepting transcripts
// with different h differ in some c_j, which gives r for that value (special soundness).
// The verifier recomputes every P_j, Q_j from (c_j, v_j) and checks Σ c_j = h. The
// statement (context, key, ciphertext, set) is hashed, not only the commitments: the
// "weak Fiat-Shamir" of Helios is what Bernhard, Pereira and Warinschi broke (ASIACRYPT 2012).
import { BALLOT_CHALLENGE_SPACE, ballotChallenge, type ProofDomain } from "./challenge.js";
import type { Ciphertext } from "./elgamal.js";
import { G, encodePoint, encodeScalar, mod, mulPublic, randomScalar, transcriptPoint, type Point } from "./group.js";

/** One challenge (in [0, 2^128)) and one response (a scalar) per value of the set, in the set's order. */
export type MembershipProof = { challenges: bigint[]; responses: bigint[] };

export type MembershipStatement = {
  domain: ProofDomain;
  /** The ballot's context (ballot-context.ts), 32 bytes. */
  context: Uint8Array;
  electionKey: Point;
  ciphertext: Ciphertext;
  /** The set the plaintext belongs to, small non-negative integers. */
  values: readonly bigint[];
};

/** A statement with its points already encoded (33 bytes each), as the native verifier holds them. */
export type EncodedStatement = { domain: ProofDomain; context: Uint8Array; electionKey: Uint8Array; A: Uint8Array; B: Uint8Array; values: readonly bigint[] };

/**
 * The proof's challenge: H_dst(ctx ‖ Y ‖ A ‖ B ‖ (k+1) ‖ M_0 ‖ ... ‖ M_k ‖ P_0 ‖ Q_0 ‖ ... ‖ P_k ‖ Q_k),
 * points 33 bytes (an identity commitment as 33 zero bytes), integers as 32-byte scalars.
 * The one definition of the transcript, for both verifiers.
 */
export function membershipChallenge(s: EncodedStatement, commitments: readonly Uint8Array[]): bigint {
  return ballotChallenge(s.domain, [s.context, s.electionKey, s.A, s.B, encodeScalar(BigInt(s.values.length)), ...s.values.map(encodeScalar), ...commitments]);
}

const encoded = (s: MembershipStatement): EncodedStatement => ({
  domain: s.domain, context: s.context, electionKey: encodePoint(s.electionKey), A: encodePoint(s.ciphertext.A), B: encodePoint(s.ciphertext.B), values: s.values,
});

/** Proves that `s.ciphertext` encrypts `s.values[index]` with randomness `r`; `random` draws the prover's scalars. */
export function proveMembership(s: MembershipStatement, r: bigint, index: number, random: () => bigint = randomScalar): MembershipProof {
  const k = s.values.length;
  if (!Number.isInteger(index) || index < 0 || index >= k) throw new TypeError("proveMembership: index outside the set");
  const { A, B } = s.ciphertext;
  const Y = s.electionKey;
  const challenges: bigint[] = new Array(k);
  const responses: bigint[] = new Array(k);
  const commitments: Uint8Array[] = [];
  const w = random();
  for (let j = 0; j < k; j++) {
    if (j === index) {
      commitments.push(transcriptPoint(G.multiply(w)), transcriptPoint(Y.multiply(w)));
      continue;
    }
    const c = random() % BALLOT_CHALLENGE_SPACE;
    const v = random();
    challenges[j] = c;
    responses[j] = v;
    const shifted = B.subtract(mulPublic(G, s.values[j]));
    commitments.push(transcriptPoint(G.multiply(v).add(mulPublic(A, c))), transcriptPoint(Y.multiply(v).add(mulPublic(shifted, c))));
  }
  const h = membershipChallenge(encoded(s), commitments);
  let others = 0n;
  for (let j = 0; j < k; j++) if (j !== index) others += challenges[j];
  challenges[index] = (((h - others) % BALLOT_CHALLENGE_SPACE) + BALLOT_CHALLENGE_SPACE) % BALLOT_CHALLENGE_SPACE;
  responses[index] = mod(w - r * challenges[index]);
  return { challenges, responses };
}

/** True when `proof` proves that `s.ciphertext` encrypts a value of `s.values`. Responses must be below n (decoding checks it). */
export function verifyMembership(s: MembershipStatement, proof: MembershipProof): boolean {
  const k = s.values.length;
  if (proof.challenges.length !== k || proof.responses.length !== k) return false;
  const { A, B } = s.ciphertext;
  const Y = s.electionKey;
  const commitments: Uint8Array[] = [];
  let sum = 0n;
  for (let j = 0; j < k; j++) {
    const c = proof.challenges[j];
    const v = proof.responses[j];
    if (c < 0n || c >= BALLOT_CHALLENGE_SPACE) return false;
    sum += c;
    const shifted = B.subtract(mulPublic(G, s.values[j]));
    commitments.push(transcriptPoint(mulPublic(G, v).add(mulPublic(A, c))), transcriptPoint(mulPublic(Y, v).add(mulPublic(shifted, c))));
  }
  return sum % BALLOT_CHALLENGE_SPACE === membershipChallenge(encoded(s), commitments);
}
