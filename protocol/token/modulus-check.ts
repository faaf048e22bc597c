// The issuer modulus rule of PROTOCOL.md §2.5: n must be provably composite, with no prime
// factor below 2^16 and not a perfect power. The issuer key proof (key-proof.ts) shows only
// gcd(65537, φ(n)) = 1, which a PRIME n passes whenever 65537 ∤ n - 1: then φ(n) = n - 1 is
// public, anyone computes d = 65537^-1 mod (n - 1) and mints tokens. The same holds for any n
// whose factors are found easily (a small factor, or n = m^k). This is the one check of
// that rule: the relay, the recount and the proof checks call it, and the widget must
// (before blinding), so that all give the same verdict on the same modulus. The contract checks one Fermat witness only
// (2^(n-1) mod n != 1, BallotBoxIssuerModulusProbablePrime); this rule implies it.
//
// Deterministic (fixed bases, no randomness) and browser-safe: BigInt only.
//
// WARNING: public data only. BigInt arithmetic is not constant-time; nothing secret goes here.
import { bitLength } from "../hex.js";
import { modPow } from "./modular.js";

/** Trial division bound: n must have no prime factor below 2^16. */
export const MODULUS_SMALL_FACTOR_BOUND = 1n << 16n;
/** Miller-Rabin bases: the first 12 primes. One witness among them proves n composite. */
export const MODULUS_MILLER_RABIN_BASES: readonly bigint[] = Object.freeze([2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]);

export type ModulusCheck =
  /** n is provably composite: `witness` is the first Miller-Rabin base that proves it. */
  | { ok: true; witness: bigint }
  /** `factor` (the smallest prime factor of n) is below 2^16. */
  | { ok: false; reason: "small-factor"; factor: bigint }
  /** n = root^exponent with exponent >= 2 prime (the smallest such exponent). */
  | { ok: false; reason: "perfect-power"; root: bigint; exponent: number }
  /** n is a strong probable prime to every base of MODULUS_MILLER_RABIN_BASES: every prime is. */
  | { ok: false; reason: "probable-prime" }
  /** 2^(n-1) mod n = 1 although n is composite (a base-2 Fermat pseudoprime): the contract refuses it. */
  | { ok: false; reason: "fermat-probable-prime" };

export type ModulusProblem = Extract<ModulusCheck, { ok: false }>["reason"];

/**
 * The rule of §2.5 for an integer n > 1, checked in this order (the first failure is the verdict):
 * 1. no prime factor below 2^16 (gcd with the product of those primes);
 * 2. not a perfect power m^k, k >= 2 (with m > 2^16 by 1, only k < bitLength(n) / 16 can occur);
 * 3. some base a among the first 12 primes is a Miller-Rabin witness: with n - 1 = d·2^s, d odd,
 *    a^d != 1 and a^(d·2^r) != n - 1 for 0 <= r < s. A witness proves n composite;
 * 4. 2^(n-1) mod n != 1 (the contract's check, implied by 1-3 for all but base-2 Fermat pseudoprimes).
 * A genuine RSA modulus passes with overwhelming probability (base 2 is almost always a witness).
 */
export function checkModulus(n: bigint): ModulusCheck {
  if (typeof n !== "bigint" || n <= 1n) throw new TypeError("checkModulus: n must be a bigint above 1");
  const factor = smallFactor(n);
  if (factor !== undefined) return { ok: false, reason: "small-factor", factor };
  const power = perfectPower(n);
  if (power) return { ok: false, reason: "perfect-power", ...power };
  const { witness, fermat2 } = millerRabin(n);
  if (witness === undefined) return { ok: false, reason: "probable-prime" };
  if (fermat2 === 1n) return { ok: false, reason: "fermat-probable-prime" };
  return { ok: true, witness };
}

/** Why a modulus fails the rule, in one clause, in English ("unsafe issuer key (§2.5): " + this). */
export function describeModulusProblem(check: Exclude<ModulusCheck, { ok: true }>): string {
  switch (check.reason) {
    case "small-factor":
      return `the modulus has the prime factor ${check.factor}, below 2^16`;
    case "perfect-power":
      return `the modulus is a perfect power (m^${check.exponent})`;
    case "probable-prime":
      return "the modulus is not provably composite (a strong probable prime to the 12 Miller-Rabin bases): if it is prime, anyone can compute the private key";
    case "fermat-probable-prime":
      return "the modulus satisfies 2^(n-1) mod n = 1 (a base-2 Fermat probable prime), which the contract refuses (BallotBoxIssuerModulusProbablePrime)";
  }
}

// ----- 1. Small factors -----

let smallPrimes: bigint[] | undefined;
let smallPrimesProduct: bigint | undefined;

/** The primes below 2^16 (6,542 of them), by a sieve, computed once. */
function primesBelowBound(): bigint[] {
  if (!smallPrimes) {
    const bound = Number(MODULUS_SMALL_FACTOR_BOUND);
    const composite = new Uint8Array(bound);
    smallPrimes = [];
    for (let i = 2; i < bound; i++) {
      if (composite[i]) continue;
      smallPrimes.push(BigInt(i));
      for (let j = i * i; j < bound; j += i) composite[j] = 1;
    }
  }
  return smallPrimes;
}

/** The product of the primes below 2^16 (about 94,000 bits), by a product tree, computed once. */
function productOfSmallPrimes(): bigint {
  if (smallPrimesProduct === undefined) {
    let level = primesBelowBound().slice();
    while (level.length > 1) {
      const next: bigint[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i] * level[i + 1] : level[i]);
      level = next;
    }
    smallPrimesProduct = level[0];
  }
  return smallPrimesProduct;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The smallest prime factor of n below 2^16, if any: one gcd, then division only on failure. */
function smallFactor(n: bigint): bigint | undefined {
  const g = gcd(n, productOfSmallPrimes() % n);
  if (g === 1n) return undefined;
  return primesBelowBound().find((p) => g % p === 0n);
}

// ----- 2. Perfect powers -----

/** floor(n^(1/k)) for n >= 1, k >= 2, by Newton's iteration from above. */
export function integerRoot(n: bigint, k: number): bigint {
  if (n < 1n || !Number.isInteger(k) || k < 2) throw new TypeError("integerRoot: n >= 1 and an integer k >= 2");
  const K = BigInt(k);
  // 2^ceil(bits / k) > n^(1/k): a start above the root, from which Newton's iteration decreases to it.
  let x = 1n << BigInt(Math.ceil(bitLength(n) / k));
  for (;;) {
    const y = ((K - 1n) * x + n / x ** (K - 1n)) / K;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * n = root^exponent with the smallest prime exponent, or undefined. Called once n has no factor
 * below 2^16: then root > 2^16, so n > 2^(16·exponent) and only exponents below bitLength(n) / 16
 * are tried (below 128 for 2048 bits). A power with a composite exponent is a power with a prime one.
 */
function perfectPower(n: bigint): { root: bigint; exponent: number } | undefined {
  const bits = bitLength(n);
  for (let k = 2; 16 * k < bits; k++) {
    if (!isSmallPrime(k)) continue;
    const root = integerRoot(n, k);
    if (root ** BigInt(k) === n) return { root, exponent: k };
  }
  return undefined;
}

function isSmallPrime(k: number): boolean {
  for (let i = 2; i * i <= k; i++) if (k % i === 0) return false;
  return k >= 2;
}

// ----- 3 and 4. Miller-Rabin, and the contract's Fermat check -----

/**
 * The first Miller-Rabin witness among the fixed bases (undefined if none), and 2^(n-1) mod n,
 * computed along with base 2: 2^(n-1) = (2^d)^(2^s). n is odd and above 2^16 here.
 */
function millerRabin(n: bigint): { witness?: bigint; fermat2: bigint } {
  const nMinus1 = n - 1n;
  let d = nMinus1;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  let fermat2 = 0n;
  for (const a of MODULUS_MILLER_RABIN_BASES) {
    const first = modPow(a, d, n);
    let x = first;
    let witness = x !== 1n && x !== nMinus1;
    // a^(d·2^r) for r = 1 .. s-1: n - 1 among them means a is not a witness (1 cannot lead to it).
    for (let r = 1; r < s && witness && x !== 1n; r++) {
      x = (x * x) % n;
      if (x === nMinus1) witness = false;
    }
    if (a === 2n) {
      fermat2 = first;
      for (let r = 0; r < s; r++) fermat2 = (fermat2 * fermat2) % n;
    }
    if (witness) return { witness: a, fermat2 };
  }
  return { fermat2 };
}
