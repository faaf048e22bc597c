// The voter's side of blind issuance (PROTOCOL.md §3.3, RFC 9474 §4.2 and §4.4,
// variant RSABSSA-SHA256-PSS-Deterministic: no message randomizer, random salt).
// Runs in the browser: public-key arithmetic only, randomness from WebCrypto.
import type { BytesLike } from "ethers";
import { UrneError, ErrorCode } from "../errors.js";
import { bigIntToBytes, bitLength, bytesToBigInt, parseHex } from "../hex.js";
import type { IssuerPublicKey } from "./issuer-key.js";
import { modInverse, modPow } from "./modular.js";
import { emsaPssEncode, TOKEN_PSS, type PssParams } from "./pss.js";
import { verifyRsaPss } from "./verify.js";

export type BlindOptions = {
  /** Fixed PSS salt, for test vectors only (default: fresh random bytes). */
  salt?: Uint8Array;
  /** Fixed blinding factor in [1, n), for test vectors only (default: uniform random). */
  r?: bigint;
  /** PSS parameters, for the RFC 9474 SHA-384 vectors only (default: TOKEN_PSS). */
  pss?: PssParams;
};

export type BlindResult = {
  /** m * r^e mod n, k bytes (256 for an issuer key): the only thing sent to the issuer. */
  blindedMessage: Uint8Array;
  /** r^-1 mod n. Secret: whoever holds it and the blinded message can link the token. */
  inverse: bigint;
};

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/**
 * r uniform in [1, n) with gcd(r, n) = 1, by rejection sampling on bitLength(n) random
 * bits (each try succeeds with probability > 1/2 since n has its top bit set), so that
 * r^e, and with it the blinded message, is uniform and independent of the token
 * (RFC 9474 §7.1). Returns r and its inverse.
 */
function randomBlind(n: bigint): { r: bigint; inverse: bigint } {
  const bits = bitLength(n);
  const bytes = Math.ceil(bits / 8);
  for (;;) {
    const buf = randomBytes(bytes);
    buf[0] &= 0xff >>> (8 * bytes - bits);
    const r = bytesToBigInt(buf);
    if (r === 0n || r >= n) continue;
    // A non-invertible r would reveal a factor of n: with a real RSA key this never
    // happens; drawing again is what RFC 9474 §4.2 prescribes ("invalid blind").
    const inverse = modInverse(r, n);
    if (inverse !== undefined) return { r, inverse };
  }
}

/**
 * RFC 9474 Blind: encodes the message, blinds it, and keeps the inverse for finalize.
 * Call it only with a key whose issuer key proof verifies (verifyIssuerKeyProof, §2.5).
 * Throws UrneError ERR_INVALID_ISSUER_KEY when the encoded message is not coprime to n.
 */
export function blind(key: IssuerPublicKey, message: Uint8Array, opts: BlindOptions = {}): BlindResult {
  if (!(message instanceof Uint8Array)) throw new TypeError("blind: message must be a Uint8Array");
  const pss = opts.pss ?? TOKEN_PSS;
  const modBits = bitLength(key.n);
  const kLen = Math.ceil(modBits / 8);
  // emBits = modBits - 1, as in RSASSA-PSS-SIGN, so the encoding is < n and the
  // result verifies with any RSA-PSS implementation (§3.2).
  const encoded = emsaPssEncode(message, modBits - 1, opts.salt ?? randomBytes(pss.sLen), pss);
  const m = bytesToBigInt(encoded);
  // RFC 9474 §4.2 steps 4-5: m must be a unit. The issuer key proof (§2.5) makes x ↦ x^e a
  // permutation of Z_n*, so m * r^e is uniform in Z_n* for a unit m; for any other m it
  // would reveal gcd(m, n) to the issuer. With a real RSA key a random m is never a non-unit
  // (it would expose a factor of n): one is proof that n has a small factor, so refuse the key.
  if (modInverse(m, key.n) === undefined) {
    throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, "the issuer modulus shares a factor with the encoded message: it has a small factor, refuse this key", { field: "issuerModulus" });
  }
  let r: bigint;
  let inverse: bigint;
  if (opts.r !== undefined) {
    const inv = typeof opts.r === "bigint" && opts.r > 0n && opts.r < key.n ? modInverse(opts.r, key.n) : undefined;
    if (inv === undefined) throw new TypeError("blind: opts.r must be invertible in [1, n)");
    [r, inverse] = [opts.r, inv];
  } else {
    ({ r, inverse } = randomBlind(key.n));
  }
  const z = (m * modPow(r, key.e, key.n)) % key.n;
  return { blindedMessage: bigIntToBytes(z, kLen), inverse };
}

/**
 * RFC 9474 Finalize: unblinds the issuer's answer and verifies the result as a token
 * (§3.3 step 3). A wrong answer throws UrneError ERR_TOKEN_VERIFICATION_FAILED: the voter
 * must not use it, since a malicious issuer could answer with a signature that tags
 * this voter (for instance under another key).
 */
export function finalize(
  key: IssuerPublicKey,
  message: Uint8Array,
  blindSignature: BytesLike,
  inverse: bigint,
  opts: { pss?: PssParams } = {},
): Uint8Array {
  if (typeof inverse !== "bigint" || inverse <= 0n || inverse >= key.n) throw new TypeError("finalize: inverse must be in [1, n)");
  const field = "blindSignature";
  const kLen = Math.ceil(bitLength(key.n) / 8);
  const bytes = parseHex(blindSignature, field);
  if (bytes.length !== kLen) {
    throw new UrneError(ErrorCode.ERR_INVALID_BLIND_SIGNATURE, `${field} must be ${kLen} bytes, got ${bytes.length}`, { field });
  }
  const z = bytesToBigInt(bytes);
  if (z >= key.n) throw new UrneError(ErrorCode.ERR_INVALID_BLIND_SIGNATURE, `${field} must be < n`, { field });
  const signature = bigIntToBytes((z * inverse) % key.n, kLen);
  if (!verifyRsaPss(key, message, signature, opts.pss ?? TOKEN_PSS)) {
    throw new UrneError(ErrorCode.ERR_TOKEN_VERIFICATION_FAILED, "the issuer's blind signature does not unblind to a valid token", { field });
  }
  return signature;
}
