// The attack the issuer key proof stops (PROTOCOL.md §2.5): an issuer picking n with
// 65537 | φ(n), so that x ↦ x^e is not a permutation of Z_n* and blind issuance is not blind.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import {
  blind, bytesToBigInt, emsaPssEncode, ErrorCode, issuerKeyFromModulus, ISSUER_KEY_PROOF_ROUNDS, keyProofChallenges,
  proveIssuerKey, TOKEN_PSS, tokenMessage, verifyIssuerKeyProof, bigIntToBytes, concatBytes,
} from "../../../protocol/node.js";
import { modInverse, modPow } from "../../../protocol/token/modular.js";
import { E, residueClass, weakIssuerKey } from "../../helpers/weak-issuer-key.js";
import { expectUrneError } from "../helpers.js";
import { BALLOT_BOX, freshIssuer } from "./fixtures.js";

const randomUnit = (n: bigint) => bytesToBigInt(randomBytes(255)) % n;

describe("an issuer key with 65537 | φ(n)", function () {
  this.timeout(60_000);
  const weak = weakIssuerKey();
  const { n } = weak.publicKey;

  it("has the shape of §2.5 (only the proof tells it apart) and no private exponent", () => {
    expect(weak.p % E).to.equal(1n);
    expect(issuerKeyFromModulus(weak.modulus).n).to.equal(n); // 256 bytes, top bit set, odd
    expect(modInverse(E, weak.phi), "d = e^-1 mod φ(n)").to.equal(undefined);
  });

  it("cannot be proved: its challenges have no e-th roots, and proveIssuerKey says so", () => {
    const residues = keyProofChallenges(weak.modulus).filter((rho) => residueClass(weak, rho) === 1n);
    expect(residues.length, "challenges that are e-th residues (1 in 65537 expected)").to.equal(0);
    expectUrneError(() => proveIssuerKey(weak.privateKey), ErrorCode.ERR_INVALID_ISSUER_KEY, "privateKey");
  });

  it("a forged proof is refused: random roots, and the best the issuer can do (roots of the residues, x^d' elsewhere)", () => {
    const random = concatBytes(...Array.from({ length: ISSUER_KEY_PROOF_ROUNDS }, () => bigIntToBytes(randomUnit(n), 256)));
    expect(verifyIssuerKeyProof(weak.publicKey, random)).to.equal(false);
    const best = concatBytes(...keyProofChallenges(weak.modulus).map((rho) => bigIntToBytes(modPow(rho, weak.dPrime, n), 256)));
    expect(verifyIssuerKeyProof(weak.publicKey, best)).to.equal(false);
  });

  it("blinding leaks the e-th-residue class of the message: class(m·r^e) = class(m), which links requests to tokens", () => {
    // Eight voters blind their token messages; the issuer keeps the blinded requests of identified
    // voters, then sees the encoded messages (m = s^e mod n of each token on chain), shuffled.
    // (Under such a key only messages of class 1 can be signed at all, so this channel needs voters
    // who retry with new salts; the next test shows the channel that needs no retry.)
    const messages = Array.from({ length: 8 }, (_, i) => tokenMessage({
      chainId: 31337n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: "0x" + (i + 1).toString(16).padStart(40, "0"),
    }));
    const requests = messages.map((message) => {
      const salt = randomBytes(32);
      const m = bytesToBigInt(emsaPssEncode(message, 2047, salt, TOKEN_PSS));
      const { blindedMessage } = blind(weak.publicKey, message, { salt }); // production code, uniform r
      const b = bytesToBigInt(blindedMessage);
      return { m, mClass: residueClass(weak, m), blindedClass: residueClass(weak, b) };
    });
    for (const { mClass, blindedClass } of requests) expect(blindedClass).to.equal(mClass);
    expect(new Set(requests.map((r) => r.mClass)).size, "distinct classes (65537 possible)").to.equal(requests.length);
    const tokens = [...requests].reverse();
    const linked = requests.map(({ blindedClass }) => tokens.find((t) => t.mClass === blindedClass)!.m);
    expect(linked).to.deep.equal(requests.map(({ m }) => m));
  });

  it("a message that has a root has 65537 of them: the issuer's choice of root tags the token", () => {
    const m = modPow(randomUnit(n), E, n); // an e-th residue, signable under this key
    const s0 = modPow(m, weak.dPrime, n);
    expect(modPow(s0, E, n)).to.equal(m);
    let zeta = 1n; // an e-th root of unity other than 1
    while (zeta === 1n) zeta = residueClass(weak, randomUnit(n));
    const tagged = [0n, 1n, 2n, 3n].map((t) => (s0 * modPow(zeta, t, n)) % n);
    for (const s of tagged) expect(modPow(s, E, n), "every tagged root verifies").to.equal(m);
    expect(new Set(tagged.map((s) => residueClass(weak, s))).size, "the issuer reads the tag back").to.equal(tagged.length);
  });

  it("a genuine key proves, and 65537 divides neither p - 1 nor q - 1: roots are unique, r^e is uniform in Z_n*", () => {
    const { privateKey, publicKey } = freshIssuer(0);
    expect(verifyIssuerKeyProof(publicKey, proveIssuerKey(privateKey))).to.equal(true);
    const jwk = privateKey.export({ format: "jwk" });
    const [p, q] = [jwk.p!, jwk.q!].map((v) => bytesToBigInt(new Uint8Array(Buffer.from(v, "base64url"))));
    expect(modInverse(E, (p - 1n) * (q - 1n)), "d = e^-1 mod φ(n) exists").to.not.equal(undefined);
  });
});
