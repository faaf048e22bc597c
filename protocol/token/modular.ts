// Modular arithmetic on BigInt for the public-key side of RSA (blinding, unblinding,
// verification), which must run in browsers where node:crypto is absent. The private
// exponent never goes through here: the issuer signs with OpenSSL (blind-sign.node.ts).
//
// WARNING: BigInt arithmetic is not constant-time. It handles the voter's blinding
// factor r in the voter's own browser, where a remote timing attacker has no oracle;
// never use these functions with a private key.

/** base^exponent mod modulus, square-and-multiply from the most significant bit. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n || exponent < 0n) throw new TypeError("modPow: modulus must be positive and exponent non-negative");
  if (modulus === 1n) return 0n;
  let result = 1n;
  const b = ((base % modulus) + modulus) % modulus;
  const bits = exponent.toString(2);
  for (let i = 0; i < bits.length; i++) {
    result = (result * result) % modulus;
    if (bits[i] === "1") result = (result * b) % modulus;
  }
  return result;
}

/** x^-1 mod modulus, or undefined when gcd(x, modulus) != 1 (extended Euclid). */
export function modInverse(x: bigint, modulus: bigint): bigint | undefined {
  let [oldR, r] = [((x % modulus) + modulus) % modulus, modulus];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) return undefined;
  return ((oldS % modulus) + modulus) % modulus;
}
