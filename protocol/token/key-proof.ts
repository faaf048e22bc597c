// The issuer key proof (PROTOCOL.md §2.5): the 65537-th roots of ISSUER_KEY_PROOF_ROUNDS
// challenges derived from the modulus, which prove gcd(65537, φ(n)) = 1, i.e. that
// x ↦ x^e permutes Z_n* and blind issuance (§3.3) is blind under this key. The contract
// checks it at createBallot; the widget checks it again before blinding, from the ballot's
// BallotCreated event, so that it trusts the chain's copy and not only the API.
// Runs in the browser: public-key arithmetic only. The prover is key-proof.node.ts.
import { AbiCoder, getBytes, type BytesLike } from "ethers";
import { ISSUER_KEY_PROOF_ROUNDS, KEY_PROOF_DOMAIN } from "../constants.js";
import { bytesToBigInt, parseHex } from "../hex.js";
import { ISSUER_EXPONENT, ISSUER_MODULUS_BYTES, issuerKeyFromModulus, modulusBytes, type IssuerPublicKey } from "./issuer-key.js";
import { modPow } from "./modular.js";
import { mgf1, TOKEN_PSS } from "./pss.js";

/** Length of a proof: one 256-byte root per round (2,560 bytes). */
export const ISSUER_KEY_PROOF_BYTES = ISSUER_KEY_PROOF_ROUNDS * ISSUER_MODULUS_BYTES;

/**
 * The challenges ρ_0 .. ρ_(ROUNDS-1) of a modulus (§2.5): MGF1-SHA-256 of
 * abi.encode(KEY_PROOF_DOMAIN, modulus, i), 256 bytes, top bit cleared (so ρ_i < 2^2047 <= n).
 * Throws UrneError ERR_INVALID_ISSUER_KEY for a modulus of the wrong shape.
 */
export function keyProofChallenges(modulus: BytesLike): bigint[] {
  const n = modulusBytes(issuerKeyFromModulus(modulus));
  const coder = AbiCoder.defaultAbiCoder();
  return Array.from({ length: ISSUER_KEY_PROOF_ROUNDS }, (_, i) => {
    const seed = getBytes(coder.encode(["bytes32", "bytes", "uint256"], [KEY_PROOF_DOMAIN, n, i]));
    // MGF1 with SHA-256, the function of the token's PSS encoding (TOKEN_PSS.hash).
    const rho = mgf1(TOKEN_PSS, seed, ISSUER_MODULUS_BYTES).slice();
    rho[0] &= 0x7f;
    return bytesToBigInt(rho);
  });
}

/**
 * Whether `proof` proves gcd(65537, φ(n)) = 1 for `key` (§2.5): exactly 2,560 bytes, and
 * each 256-byte σ_i is below n with σ_i^65537 mod n = ρ_i. Returns false, never throws,
 * for a proof of the wrong length or value; a proof that is not hex is an input error
 * (UrneError ERR_INVALID_HEX, field "issuerKeyProof"). The contract gives the same verdict.
 */
export function verifyIssuerKeyProof(key: IssuerPublicKey, proof: BytesLike): boolean {
  const bytes = parseHex(proof, "issuerKeyProof");
  // The soundness argument needs e prime, and §2.5 fixes e = 65537.
  if (key.e !== ISSUER_EXPONENT || bytes.length !== ISSUER_KEY_PROOF_BYTES) return false;
  const challenges = keyProofChallenges(modulusBytes(key));
  return challenges.every((rho, i) => {
    const sigma = bytesToBigInt(bytes.subarray(i * ISSUER_MODULUS_BYTES, (i + 1) * ISSUER_MODULUS_BYTES));
    // σ_i < n: one encoding per root, as for tokens (§3.2).
    return sigma < key.n && modPow(sigma, key.e, key.n) === rho;
  });
}
