// A malicious issuer key for the negative tests of the issuer key proof (PROTOCOL.md §2.5):
// n = p·q of exactly 2048 bits with p ≡ 1 (mod 65537), so that 65537 | φ(n). x ↦ x^e is
// then not a permutation of Z_n*: only one element in 65537 has an e-th root, and one that
// has a root has 65537 of them. No private exponent d exists (e has no inverse mod φ(n)); the
// "private key" below uses d' = e^-1 mod φ(n)/e, which gives e-th roots of the e-th residues
// only, the most such a key can do.
import { checkPrimeSync, createPrivateKey, generatePrimeSync, randomBytes, type KeyObject } from "node:crypto";
import { bigIntToBytes, bitLength, bytesToBigInt, modulusBytes, toHex, type IssuerPublicKey } from "../../protocol/index.js";
import { modInverse, modPow } from "../../protocol/token/modular.js";

export const E = 65537n;

export type WeakIssuerKey = {
  p: bigint;
  q: bigint;
  publicKey: IssuerPublicKey;
  modulus: string;
  phi: bigint;
  /** e^-1 mod φ(n)/e: x^d' is an e-th root of x exactly when x is an e-th residue. */
  dPrime: bigint;
  /** An RSA private KeyObject built from (n, e, d', p, q), as an issuer with this key would hold. */
  privateKey: KeyObject;
};

/** A 1024-bit number with its top two bits set, so that the product of two has exactly 2048 bits. */
const TOP_TWO = 3n << 1022n;
const isTopTwo = (x: bigint) => bitLength(x) === 1024 && (x & TOP_TWO) === TOP_TWO;

/** A prime p = 2·e·k + 1 (so p ≡ 1 mod e) with p ≢ 1 (mod e²), top two bits set. */
function primeOneModE(): bigint {
  for (;;) {
    const x = bytesToBigInt(randomBytes(128)) | TOP_TWO;
    const p = (x / (2n * E)) * 2n * E + 1n;
    if (isTopTwo(p) && ((p - 1n) / E) % E !== 0n && checkPrimeSync(p)) return p;
  }
}

/** The same as OpenSSL would pick (q ≢ 1 mod e), top two bits set. */
function ordinaryPrime(): bigint {
  for (;;) {
    const q = generatePrimeSync(1024, { bigint: true });
    if (isTopTwo(q) && q % E !== 1n) return q;
  }
}

const b64u = (v: bigint) => Buffer.from(bigIntToBytes(v, Math.ceil(bitLength(v) / 8))).toString("base64url");

export function weakIssuerKey(): WeakIssuerKey {
  const p = primeOneModE();
  const q = ordinaryPrime();
  const n = p * q;
  if (bitLength(n) !== 2048) throw new Error("weakIssuerKey: n must have 2048 bits");
  const phi = (p - 1n) * (q - 1n);
  const dPrime = modInverse(E, phi / E)!;
  const jwk = {
    kty: "RSA", n: b64u(n), e: b64u(E), d: b64u(dPrime), p: b64u(p), q: b64u(q),
    dp: b64u(dPrime % (p - 1n)), dq: b64u(dPrime % (q - 1n)), qi: b64u(modInverse(q, p)!),
  };
  const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
  const publicKey = { n, e: E };
  return { p, q, publicKey, modulus: toHex(modulusBytes(publicKey)), phi, dPrime, privateKey };
}

/** The e-th-residue class of x: x^(φ(n)/e) mod n, 1 exactly for the e-th residues (PROTOCOL.md §2.5). */
export function residueClass(key: WeakIssuerKey, x: bigint): bigint {
  return modPow(x, key.phi / E, key.publicKey.n);
}
