// The published RFC 9474 test vectors (Appendix A, RSABSSA-SHA384-*), run through our
// EMSA-PSS, Blind, the OpenSSL-backed BlindSign and Finalize with SHA-384 as the hash.
// Our protocol uses the same algorithm with SHA-256 (PROTOCOL.md §3.3), so these pin
// every step to an independent implementation, byte for byte.
import { expect } from "chai";
import { constants, createHash, createPrivateKey, verify } from "node:crypto";
import {
  bigIntToBytes, blind, blindSign, bytesToBigInt, emsaPssEncode, emsaPssVerify, finalize, parseHex, toHex, verifyRsaPss, type PssParams,
} from "../../../protocol/node.js";
import { modInverse } from "../../../protocol/token/modular.js";
import vectors from "../../vectors/rfc9474.json" with { type: "json" };

const sha384 = (d: Uint8Array) => new Uint8Array(createHash("sha384").update(d).digest());
const hex = (s: string) => parseHex(s, "vector");
const int = (s: string) => bytesToBigInt(hex(s));
const b64url = (v: bigint) => Buffer.from(bigIntToBytes(v, Math.ceil(v.toString(16).length / 2))).toString("base64url");

describe("RFC 9474 test vectors", () => {
  const [p, q, n, e, d] = [vectors.key.p, vectors.key.q, vectors.key.n, vectors.key.e, vectors.key.d].map(int);
  const key = { n, e };
  const privateKey = createPrivateKey({
    format: "jwk",
    key: {
      kty: "RSA", n: b64url(n), e: b64url(e), d: b64url(d), p: b64url(p), q: b64url(q),
      dp: b64url(d % (p - 1n)), dq: b64url(d % (q - 1n)), qi: b64url(modInverse(q, p)!),
    },
  });

  it("the key is consistent (n = p q, e d = 1 mod lcm(p-1, q-1))", () => {
    expect(p * q).to.equal(n);
    const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    expect((e * d) % lambda).to.equal(1n);
  });

  for (const v of vectors.vectors) {
    describe(v.name, () => {
      const pss: PssParams = { hash: sha384, hLen: 48, sLen: v.sLen };
      // The message signed: msg_prefix ‖ msg (the prefix is empty for Deterministic variants).
      const input = Uint8Array.of(...hex(v.msg_prefix), ...hex(v.msg));
      const salt = hex(v.salt);
      const r = modInverse(int(v.inv), n)!;

      // The PSS-Randomized vector publishes no encoded_msg; Blind below still pins it.
      const encoded = "encoded_msg" in v ? v.encoded_msg : undefined;
      if (encoded !== undefined) {
        it("EMSA-PSS-ENCODE gives encoded_msg", () => {
          expect(toHex(emsaPssEncode(input, 4095, salt, pss))).to.equal(encoded);
          expect(emsaPssVerify(input, hex(encoded), 4095, pss)).to.equal(true);
        });
      }

      it("Blind with the vector's salt and r gives blinded_msg and inv", () => {
        const { blindedMessage, inverse } = blind(key, input, { salt, r, pss });
        expect(toHex(blindedMessage)).to.equal(v.blinded_msg);
        expect(inverse).to.equal(int(v.inv));
      });

      it("BlindSign (raw RSA through OpenSSL) gives blind_sig", () => {
        expect(toHex(blindSign(privateKey, hex(v.blinded_msg)))).to.equal(v.blind_sig);
      });

      it("Finalize gives sig, and sig verifies with our verifier and with OpenSSL", () => {
        const sig = finalize(key, input, hex(v.blind_sig), int(v.inv), { pss });
        expect(toHex(sig)).to.equal(v.sig);
        expect(verifyRsaPss(key, input, sig, pss)).to.equal(true);
        expect(verify("sha384", input, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: v.sLen }, sig)).to.equal(true);
      });

      it("sig does not verify for the message without its randomizer, or under another salt length", () => {
        const sig = hex(v.sig);
        if (v.msg_prefix !== "0x") expect(verifyRsaPss(key, hex(v.msg), sig, pss)).to.equal(false);
        expect(verifyRsaPss(key, input, sig, { ...pss, sLen: v.sLen === 0 ? 48 : 0 })).to.equal(false);
      });
    });
  }
});
