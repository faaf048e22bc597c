// Issuer keys that pass the issuer key proof (PROTOCOL.md §2.5) although ANYONE can compute
// their private exponent: the attack of the modulus rule (protocol/token/modulus-check.ts).
// Each has a 2048-bit modulus of the §2.5 shape and gcd(65537, φ(n)) = 1, so d = e^-1 mod φ(n)
// exists, and φ(n) is public knowledge for whoever factors n, which here is everybody:
//   prime        n = p                 φ = p - 1                 (the contract refuses it: 2^(n-1) mod n = 1)
//   smallFactor  n = f·q, f < 2^8      φ = (f - 1)(q - 1)        (f is found by trial division)
//   square       n = p^2               φ = p(p - 1)              (p = isqrt(n))
//   cube         n = p^3               φ = p^2(p - 1)            (p = icbrt(n))
// and one that is hard to factor but that the contract refuses all the same, as a Fermat check must:
//   fermatPseudoprime  n = p(2p - 1), both prime, p ≡ 1 (mod 12): n - 1 = (p - 1)(2p + 1), and
//                      2p - 1 ≡ 1 (mod 8) makes 2 a square mod 2p - 1, so ord(2) | p - 1 | n - 1 for both
//                      factors: 2^(n-1) mod n = 1, a composite base-2 Fermat pseudoprime.
// The proof's roots are computed with d, exactly as an attacker or a careless issuer would.
// Token minting with d (mintToken) shows what such a key gives away.
import { checkPrimeSync, generatePrimeSync, randomBytes } from "node:crypto";
import {
  bigIntToBytes, bitLength, concatBytes, emsaPssEncode, keyProofChallenges, modulusBytes, toHex, TOKEN_PSS, verifyIssuerKeyProof,
  type IssuerPublicKey,
} from "../../protocol/index.js";
import { modInverse, modPow } from "../../protocol/token/modular.js";

export const E = 65537n;

export type UnsafeKind = "prime" | "smallFactor" | "square" | "cube" | "fermatPseudoprime";

export type UnsafeIssuerKey = {
  kind: UnsafeKind;
  /** The prime factors of n with their multiplicity. */
  factors: { p: bigint; k: number }[];
  publicKey: IssuerPublicKey;
  /** The 256-byte modulus, hex. */
  modulus: string;
  /** A valid issuer key proof for it (hex): verifyIssuerKeyProof and the contract accept it. */
  keyProof: string;
  /** The private exponent, computable by anyone who factors n. */
  d: bigint;
};

const MIN = 1n << 2047n;
const MAX = 1n << 2048n;
const has2048Bits = (n: bigint) => n >= MIN && n < MAX;
/** gcd(e, p - 1) = 1 for the prime p, and p != e: then e is invertible mod φ of any power of p. */
const eCoprime = (p: bigint) => p !== E && p % E !== 1n;

function prime(bits: number, accept: (p: bigint) => boolean = () => true): bigint {
  for (;;) {
    const p = generatePrimeSync(bits, { bigint: true });
    if (eCoprime(p) && accept(p)) return p;
  }
}

/** The factors of an unsafe modulus of the given kind, n of exactly 2048 bits. */
function factorsOf(kind: UnsafeKind): { p: bigint; k: number }[] {
  switch (kind) {
    case "prime":
      return [{ p: prime(2048), k: 1 }];
    case "square":
      return [{ p: prime(1024, (p) => has2048Bits(p ** 2n)), k: 2 }];
    case "cube":
      return [{ p: prime(683, (p) => has2048Bits(p ** 3n)), k: 3 }];
    case "fermatPseudoprime": {
      const p = cunninghamPrime();
      return [{ p, k: 1 }, { p: 2n * p - 1n, k: 1 }];
    }
    case "smallFactor": {
      const q = prime(2040);
      // The smallest prime f with f·q of 2048 bits: f is between 2^6 and 2^8.
      let f = (MIN + q - 1n) / q;
      while (!checkPrimeSync(f)) f++;
      if (!has2048Bits(f * q)) throw new Error("unsafeIssuerKey: f·q must have 2048 bits");
      return [{ p: f, k: 1 }, { p: q, k: 1 }];
    }
  }
}

/** The primes from 5 to 3000, to sieve candidates before OpenSSL's test. */
const SIEVE = Array.from({ length: 2996 }, (_, i) => i + 5).filter((k) => Array.from({ length: k - 2 }, (_, j) => j + 2).every((j) => j * j > k || k % j !== 0));

/**
 * A prime p ≡ 1 (mod 12) with 2p - 1 prime and p(2p - 1) of 2048 bits (about 1.4 · 2^1023 > p >= 2^1023),
 * e ∤ p - 1. Not from generatePrimeSync: OpenSSL's primes avoid p ≡ 1 (mod 3), which puts 3 in 2p - 1.
 * Candidates p = start + 12i, sieved with their residues kept as numbers.
 */
function cunninghamPrime(): bigint {
  const lo = 1n << 1023n;
  const span = (lo * 41421356n) / 100000000n; // up to √2 · 2^1023
  for (;;) {
    const x = lo + (BigInt("0x" + randomBytes(128).toString("hex")) % (span - 12n * 100_000n));
    const start = x - (x % 12n) + 1n;
    const residues = SIEVE.map((s) => Number(start % BigInt(s)));
    for (let i = 0; i < 100_000; i++) {
      const composite = SIEVE.some((s, j) => {
        const r = (residues[j] + 12 * i) % s;
        return r === 0 || (2 * r - 1) % s === 0;
      });
      if (composite) continue;
      const p = start + 12n * BigInt(i);
      const q = 2n * p - 1n;
      if (eCoprime(p) && checkPrimeSync(p) && checkPrimeSync(q) && has2048Bits(p * q)) return p;
    }
  }
}

const cache = new Map<UnsafeKind, UnsafeIssuerKey>();

/** An unsafe key of this kind, made once per process (a 2048-bit prime takes about half a second). */
export function unsafeIssuerKey(kind: UnsafeKind): UnsafeIssuerKey {
  const cached = cache.get(kind);
  if (cached) return cached;
  const factors = factorsOf(kind);
  const n = factors.reduce((acc, { p, k }) => acc * p ** BigInt(k), 1n);
  const phi = factors.reduce((acc, { p, k }) => acc * p ** BigInt(k - 1) * (p - 1n), 1n);
  if (bitLength(n) !== 2048 || (n & 1n) === 0n) throw new Error("unsafeIssuerKey: n must be odd with 2048 bits");
  const d = modInverse(E, phi);
  if (d === undefined) throw new Error("unsafeIssuerKey: 65537 must be invertible mod φ(n)");
  const publicKey = { n, e: E };
  const modulus = toHex(modulusBytes(publicKey));
  const keyProof = toHex(concatBytes(...keyProofChallenges(modulus).map((rho) => bigIntToBytes(modPow(rho, d, n), 256))));
  if (!verifyIssuerKeyProof(publicKey, keyProof)) throw new Error("unsafeIssuerKey: the proof must verify");
  const key = { kind, factors, publicKey, modulus, keyProof, d };
  cache.set(kind, key);
  return key;
}

/**
 * A token (§3.2: RSASSA-PSS, SHA-256, salt 32, emBits 2047) for `message` under the key,
 * signed with d, without the issuer: what anyone can do with an unsafe key.
 */
export function mintToken(key: UnsafeIssuerKey, message: Uint8Array): Uint8Array {
  const encoded = emsaPssEncode(message, 2047, randomBytes(32), TOKEN_PSS);
  const m = BigInt(toHex(encoded));
  return bigIntToBytes(modPow(m, key.d, key.publicKey.n), 256);
}
