// The issuer's side of the issuer key proof (PROTOCOL.md §2.5): 65537-th roots of the
// modulus's challenges, by raw RSA through OpenSSL as in blind-sign.node.ts. Node only.
import { constants, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from "node:crypto";
import { UrneError, ErrorCode } from "../errors.js";
import { bigIntToBytes, bytesEqual } from "../hex.js";
import { ISSUER_MODULUS_BYTES, modulusBytes } from "./issuer-key.js";
import { ISSUER_KEY_PROOF_BYTES, keyProofChallenges } from "./key-proof.js";
import { issuerKeyFromKeyObject } from "./blind-sign.node.js";

/**
 * The proof that the issuer key keeps blind issuance blind: σ_i = ρ_i^d mod n for each
 * challenge, concatenated (2,560 bytes), for BallotParams.issuerKeyProof. Each root is
 * re-raised to e and compared with its challenge before it is used. A key with
 * 65537 | φ(n) has no such roots (it has no private exponent d at all), so whatever
 * "private key" stands for it fails that check: UrneError ERR_INVALID_ISSUER_KEY.
 * Every key of generateIssuerKey() proves (OpenSSL takes gcd(e, p - 1) = gcd(e, q - 1) = 1).
 */
export function proveIssuerKey(privateKey: KeyObject): Uint8Array {
  if (privateKey?.type !== "private" || privateKey.asymmetricKeyType !== "rsa") {
    throw new TypeError("proveIssuerKey: privateKey must be an RSA private KeyObject");
  }
  const key = issuerKeyFromKeyObject(privateKey); // §2.5: 2048 bits, e = 65537
  const publicKey = createPublicKey(privateKey);
  const proof = new Uint8Array(ISSUER_KEY_PROOF_BYTES);
  keyProofChallenges(modulusBytes(key)).forEach((rho, i) => {
    const input = Buffer.from(bigIntToBytes(rho, ISSUER_MODULUS_BYTES));
    let sigma: Buffer | undefined;
    try {
      sigma = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input);
    } catch {
      sigma = undefined; // OpenSSL refuses some inconsistent keys outright
    }
    const check = sigma && publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sigma);
    if (!sigma || sigma.length !== ISSUER_MODULUS_BYTES || !check || !bytesEqual(check, input)) {
      throw new UrneError(
        ErrorCode.ERR_INVALID_ISSUER_KEY,
        `the issuer key cannot prove gcd(65537, φ(n)) = 1: challenge ${i} has no 65537-th root under it ` +
          "(65537 divides p - 1 or q - 1, the private key does not match n, or the RSA operation failed); use a key from generateIssuerKey()",
        { field: "privateKey" },
      );
    }
    proof.set(sigma, i * ISSUER_MODULUS_BYTES);
  });
  return proof;
}
