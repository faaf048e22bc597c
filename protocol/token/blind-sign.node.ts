// The issuer's side of blind issuance (PROTOCOL.md §3.3 step 2, RFC 9474 §4.3), with
// raw RSA through OpenSSL: constant-time, CRT, with OpenSSL's own RSA blinding against
// timing attacks, and about 1 ms where BigInt would take hundreds. Node only.
import { constants, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, type KeyObject } from "node:crypto";
import { UrneError, ErrorCode } from "../errors.js";
import { bytesEqual, bytesToBigInt } from "../hex.js";
import { issuerKeyFromJwk, ISSUER_EXPONENT, type IssuerPublicKey } from "./issuer-key.js";

type KeyInfo = { n: bigint; kLen: number; publicKey: KeyObject };
const keyInfo = new WeakMap<KeyObject, KeyInfo>();

/** n, k and the public half of an RSA private key, computed once per key object. */
function infoOf(privateKey: KeyObject): KeyInfo {
  let info = keyInfo.get(privateKey);
  if (!info) {
    if (privateKey?.type !== "private" || privateKey.asymmetricKeyType !== "rsa") {
      throw new TypeError("blindSign: privateKey must be an RSA private KeyObject");
    }
    const jwk = privateKey.export({ format: "jwk" });
    const n = bytesToBigInt(new Uint8Array(Buffer.from(jwk.n!, "base64url")));
    info = { n, kLen: Math.ceil(privateKey.asymmetricKeyDetails!.modulusLength! / 8), publicKey: createPublicKey(privateKey) };
    keyInfo.set(privateKey, info);
  }
  return info;
}

/**
 * RFC 9474 BlindSign: s' = blinded^d mod n. The input is checked to be k bytes and in
 * (0, n): 0 would answer 0, and a value >= n is not a group element. The result is
 * re-encrypted and compared with the input before it leaves (the fault-attack guard of
 * RFC 9474 §4.3 step 3): a CRT fault would otherwise hand out a value revealing a
 * factor of n.
 */
export function blindSign(privateKey: KeyObject, blindedMessage: Uint8Array): Uint8Array {
  const { n, kLen, publicKey } = infoOf(privateKey);
  const field = "blindedMessage";
  if (!(blindedMessage instanceof Uint8Array) || blindedMessage.length !== kLen) {
    throw new UrneError(ErrorCode.ERR_INVALID_BLINDED_MESSAGE, `${field} must be ${kLen} bytes`, { field });
  }
  const z = bytesToBigInt(blindedMessage);
  if (z === 0n || z >= n) {
    throw new UrneError(ErrorCode.ERR_INVALID_BLINDED_MESSAGE, `${field} must be in (0, n)`, { field });
  }
  const input = Buffer.from(blindedMessage);
  const signature = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input);
  const check = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  if (signature.length !== kLen || !bytesEqual(check, input)) {
    throw new UrneError(ErrorCode.ERR_SIGNING_FAULT, "the RSA signing operation failed its verification");
  }
  return new Uint8Array(signature);
}

/** A fresh per-ballot issuer key (PROTOCOL.md §2.5): RSA-2048, e = 65537. */
export function generateIssuerKey(): { privateKey: KeyObject; publicKey: IssuerPublicKey } {
  for (;;) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: Number(ISSUER_EXPONENT) });
    // OpenSSL always sets the top bit of a 2048-bit modulus; the loop only guards
    // against a provider that would not, since §2.5 requires it.
    try {
      return { privateKey, publicKey: issuerKeyFromKeyObject(privateKey) };
    } catch (e) {
      if (!(e instanceof UrneError)) throw e;
    }
  }
}

/** The issuer public key of an RSA KeyObject (private or public); refuses non-§2.5 keys. */
export function issuerKeyFromKeyObject(k: KeyObject): IssuerPublicKey {
  if (k?.asymmetricKeyType !== "rsa") throw new TypeError("issuerKeyFromKeyObject: expected an RSA KeyObject");
  const jwk = k.export({ format: "jwk" });
  return issuerKeyFromJwk({ kty: jwk.kty, n: jwk.n, e: jwk.e }, "issuerKey");
}
