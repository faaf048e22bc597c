// The small discrete logarithm a tally ends with (PROTOCOL.md §11.6): the m in [0, max]
// with m·G = M, by baby-step giant-step (Shanks): ⌈√(max+1)⌉ baby steps j·G kept by their
// encoding, then giant steps M − i·⌈√(max+1)⌉·G until one is a baby step. A count is never
// above the number of ballots counted, so max is known; about 2,000 point operations for
// a million.
import { G, Point } from "./group.js";

const key = (p: Point) => (p.is0() ? "identity" : p.toHex(true));

/** m in [0, max] with m·G = point, or undefined when there is none in the range. */
export function smallDiscreteLog(point: Point, max: number): number | undefined {
  if (!Number.isSafeInteger(max) || max < 0) throw new TypeError("smallDiscreteLog: max must be a non-negative integer");
  const step = Math.ceil(Math.sqrt(max + 1));
  const baby = new Map<string, number>();
  let p = Point.ZERO;
  for (let j = 0; j < step; j++) {
    baby.set(key(p), j);
    p = p.add(G);
  }
  const giant = G.multiply(BigInt(step)).negate();
  let q = point;
  for (let i = 0; i <= step; i++) {
    const j = baby.get(key(q));
    if (j !== undefined) {
      const m = i * step + j;
      return m <= max ? m : undefined;
    }
    q = q.add(giant);
  }
  return undefined;
}
