// Exponential ElGamal on secp256k1 (PROTOCOL.md §11.2): a cell holding m ∈ {0, 1} is
//   (A, B) = (r·G, r·Y + m·G)
// under the election key Y = x·G. Ciphertexts add up point by point to a ciphertext of the
// sum of their plaintexts: that is what lets a tally open only the counts.
import { G, mulPublic, randomScalar, Point } from "./group.js";

export type Ciphertext = { A: Point; B: Point };

/** Encrypts the small integer `m` under `electionKey` with the secret randomness `r` (1 <= r < n). */
export function encrypt(electionKey: Point, m: bigint, r: bigint = randomScalar()): Ciphertext {
  return { A: G.multiply(r), B: electionKey.multiply(r).add(mulPublic(G, m)) };
}

/** The ciphertext of the sum of the plaintexts. */
export function addCiphertexts(list: readonly Ciphertext[]): Ciphertext {
  let A = Point.ZERO;
  let B = Point.ZERO;
  for (const c of list) {
    A = A.add(c.A);
    B = B.add(c.B);
  }
  return { A, B };
}
