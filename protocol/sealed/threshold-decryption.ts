// Opening a tally with t trustees' shares (PROTOCOL.md §11.6): the key share of trustee j is
// f(x_j) for a polynomial f of degree t−1 with f(0) = x, the election secret; any t shares
// give x·A_k = Σ_j λ_j·D_{j,k} with the Lagrange coefficients at 0,
//   λ_j = Π_{m≠j} x_m / (x_m − x_j)   (mod n),
// so each cell's plaintext point is M_k = ΣB_k − Σ_j λ_j·D_{j,k} = count_k·G, and its count
// the small discrete logarithm below the number of ballots counted. Each share's proof is
// checked first; a share that fails is named and left out. Fewer than t valid shares open
// nothing: no partial number exists. With an operator's key (operator-key.ts) the
// operator's share D_O,k = o·A_k is needed as well, checked against O:
//   M_k = ΣB_k − (Σ_j λ_j·D_{j,k} + D_O,k)
// so t trustees without the operator open nothing, nor the operator without t trustees.
// The counts are returned as v1's: the cells' counts, and each one-hot group's last value
// the ballots counted less the group's others (sealed-layout.ts, countsOfCells).
import type { BallotRules } from "../ballot.js";
import type { Ciphertext } from "./elgamal.js";
import { smallDiscreteLog } from "./discrete-log.js";
import { mod, ORDER, Point } from "./group.js";
import { verifyDecryptionShare, type DecryptionShare } from "./decryption-share.js";
import { countsOfCells } from "./sealed-layout.js";

export type TrusteeShare = {
  /** The trustee's identifier x_j, a non-zero scalar (the key ceremony's). */
  identifier: bigint;
  verificationKey: Point;
  share: DecryptionShare;
};

/**
 * The operator's share: "none" when the ceremony has no operator, "missing" when none was
 * posted, "invalid" when its proof fails for this tally (it is then left out).
 */
export type OperatorShareVerdict = "none" | "valid" | "missing" | "invalid";

export type TallyOpening =
  | { status: "opened"; counts: number[]; used: bigint[]; operator: "none" | "valid"; refused: { identifier: bigint; why: string }[] }
  | { status: "not enough shares"; valid: number; threshold: number; operator: OperatorShareVerdict; refused: { identifier: bigint; why: string }[] };

/** Modular inverse mod n (n is prime): a^(n−2). */
function inverse(a: bigint): bigint {
  let result = 1n;
  let base = mod(a);
  let e = ORDER - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % ORDER;
    base = (base * base) % ORDER;
    e >>= 1n;
  }
  return result;
}

/** λ_j at 0 for each identifier of `ids` (distinct, non-zero). */
export function lagrangeAtZero(ids: readonly bigint[]): bigint[] {
  return ids.map((xj, j) => {
    let num = 1n;
    let den = 1n;
    ids.forEach((xm, m) => {
      if (m === j) return;
      num = (num * xm) % ORDER;
      den = (den * mod(xm - xj)) % ORDER;
    });
    return (num * inverse(den)) % ORDER;
  });
}

export type OpenTallyInput = {
  tallyDigest: Uint8Array;
  /** The ballot's rules: how its cells give its counts. */
  rules: BallotRules;
  /** The sum of the counted ballots' ciphertexts, per cell. */
  aggregates: readonly Ciphertext[];
  /** Ballots counted: no count is above it. */
  ballots: number;
  threshold: number;
  shares: readonly TrusteeShare[];
  /** The ceremony's operator key O and the operator's share if one was posted; absent without operator. */
  operator?: { verificationKey: Point; share?: DecryptionShare };
};

export function openTally(o: OpenTallyInput): TallyOpening {
  const refused: { identifier: bigint; why: string }[] = [];
  const valid: TrusteeShare[] = [];
  const seen = new Set<bigint>();
  const statementOf = (s: TrusteeShare) => ({ tallyDigest: o.tallyDigest, verificationKey: s.verificationKey, aggregates: o.aggregates.map((c) => c.A) });
  for (const s of o.shares) {
    if (s.identifier <= 0n || s.identifier >= ORDER) refused.push({ identifier: s.identifier, why: "its identifier is not a non-zero scalar" });
    else if (seen.has(s.identifier)) refused.push({ identifier: s.identifier, why: "another share came from the same trustee" });
    else if (!verifyDecryptionShare(statementOf(s), s.share)) refused.push({ identifier: s.identifier, why: "its proof does not verify for this tally" });
    else {
      seen.add(s.identifier);
      valid.push(s);
    }
  }
  let operator: OperatorShareVerdict = "none";
  if (o.operator) {
    const { verificationKey, share } = o.operator;
    operator = share === undefined ? "missing" : verifyDecryptionShare({ tallyDigest: o.tallyDigest, verificationKey, aggregates: o.aggregates.map((c) => c.A) }, share) ? "valid" : "invalid";
  }
  if (valid.length < o.threshold || operator === "missing" || operator === "invalid") {
    return { status: "not enough shares", valid: valid.length, threshold: o.threshold, operator, refused };
  }
  const used = valid.slice(0, o.threshold);
  const lambdas = lagrangeAtZero(used.map((s) => s.identifier));
  const cellCounts = o.aggregates.map((c, k) => {
    let xA = operator === "valid" ? o.operator!.share!.shares[k] : Point.ZERO;
    used.forEach((s, j) => (xA = xA.add(s.share.shares[k].multiplyUnsafe(lambdas[j]))));
    const count = smallDiscreteLog(c.B.subtract(xA), o.ballots);
    if (count === undefined) throw new Error(`cell ${k} does not open to a count in [0, ${o.ballots}]: the shares or the aggregates are not this tally's`);
    return count;
  });
  let counts: number[];
  try {
    counts = countsOfCells(o.rules, cellCounts, o.ballots);
  } catch (error) {
    throw new Error(`${(error as Error).message}: the shares or the aggregates are not this tally's`);
  }
  return { status: "opened", counts, used: used.map((s) => s.identifier), operator, refused };
}
