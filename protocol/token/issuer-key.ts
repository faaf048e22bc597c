// The issuer's public key (PROTOCOL.md §2.5): a 2048-bit modulus, e = 65537 fixed.
// It travels as the 256-byte modulus on chain (BallotParams.issuerModulus) and as an
// RSA public JWK from the API, which browsers can import into WebCrypto (alg PS256).
import { decodeBase64, encodeBase64 } from "ethers";
import type { BytesLike } from "ethers";
import { UrneError, ErrorCode } from "../errors.js";
import { bigIntToBytes, bytesToBigInt, parseHex } from "../hex.js";

export type IssuerPublicKey = { n: bigint; e: bigint };

/** Modulus length in bytes (RSA-2048). */
export const ISSUER_MODULUS_BYTES = 256;
/** The fixed public exponent; it is never transmitted (PROTOCOL.md §2.5). */
export const ISSUER_EXPONENT = 65537n;

/**
 * Reads an issuer modulus from outside (a ballot's parameters, an event) and checks
 * the shape §2.5 fixes: exactly 256 bytes, top bit set (so it really has 2048 bits and
 * the PSS encoding of §3.3 uses emBits = 2047), odd (an even modulus is not RSA).
 */
export function issuerKeyFromModulus(modulus: BytesLike, field = "issuerModulus"): IssuerPublicKey {
  const bytes = parseHex(modulus, field);
  const reject = (why: string): never => {
    throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, `${field}: ${why}`, { field });
  };
  if (bytes.length !== ISSUER_MODULUS_BYTES) reject(`modulus must be ${ISSUER_MODULUS_BYTES} bytes, got ${bytes.length}`);
  if ((bytes[0] & 0x80) === 0) reject("modulus must have its top bit set (2048 bits)");
  if ((bytes[ISSUER_MODULUS_BYTES - 1] & 1) === 0) reject("modulus must be odd");
  return { n: bytesToBigInt(bytes), e: ISSUER_EXPONENT };
}

/** The modulus as the 256 big-endian bytes stored on chain. */
export function modulusBytes(key: IssuerPublicKey): Uint8Array {
  return bigIntToBytes(key.n, ISSUER_MODULUS_BYTES);
}

/** RSA public key as a JWK (RFC 7517/7518 §6.3.1); `alg` tells WebCrypto to use RSA-PSS SHA-256. */
export type IssuerJwk = { kty: "RSA"; n: string; e: string; alg: "PS256" };

const E_65537_B64URL = "AQAB";

export function issuerKeyToJwk(key: IssuerPublicKey): IssuerJwk {
  if (key.e !== ISSUER_EXPONENT) throw new TypeError("issuerKeyToJwk: e must be 65537");
  return { kty: "RSA", n: base64UrlEncode(modulusBytes(key)), e: E_65537_B64URL, alg: "PS256" };
}

/** Reads a JWK published by the API; anything but RSA-2048 with e = 65537 is refused. */
export function issuerKeyFromJwk(jwk: unknown, field = "jwk"): IssuerPublicKey {
  if (typeof jwk !== "object" || jwk === null) {
    throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, `${field} must be a JWK object`, { field });
  }
  const { kty, n, e, alg } = jwk as Record<string, unknown>;
  if (kty !== "RSA") throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, `${field}.kty must be "RSA"`, { field: `${field}.kty` });
  if (e !== E_65537_B64URL) throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, `${field}.e must be "AQAB" (65537)`, { field: `${field}.e` });
  if (alg !== undefined && alg !== "PS256") {
    throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, `${field}.alg must be "PS256"`, { field: `${field}.alg` });
  }
  return issuerKeyFromModulus(base64UrlDecode(n, `${field}.n`), `${field}.n`);
}

function base64UrlEncode(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Strict base64url without padding (RFC 7515 §2): a non-canonical encoding is refused. */
function base64UrlDecode(value: unknown, field: string): Uint8Array {
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) {
    throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, `${field} must be unpadded base64url`, { field });
  }
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
  const bytes = decodeBase64(b64);
  if (base64UrlEncode(bytes) !== value) {
    throw new UrneError(ErrorCode.ERR_INVALID_ISSUER_KEY, `${field} is not canonical base64url`, { field });
  }
  return bytes;
}
