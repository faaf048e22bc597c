// EMSA-PSS (RFC 8017 §9.1) checked against OpenSSL: our encoding, raw-RSA signed, is a
// standard RSASSA-PSS signature, and OpenSSL's signatures decode as our encoding.
import { expect } from "chai";
import { constants, createHash, privateDecrypt, publicEncrypt, randomBytes, sign, verify } from "node:crypto";
import { emsaPssEncode, emsaPssVerify, mgf1, TOKEN_PSS, type PssParams } from "../../../protocol/index.js";
import { freshIssuer } from "./fixtures.js";

const SHA384_PSS: PssParams = { hash: (d) => new Uint8Array(createHash("sha384").update(d).digest()), hLen: 48, sLen: 48 };

describe("EMSA-PSS", () => {
  const { privateKey } = freshIssuer();
  const rawSign = (em: Uint8Array) => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, em);
  const rawOpen = (sig: Uint8Array) => new Uint8Array(publicEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, sig));

  it("MGF1-SHA-256 is SHA-256(seed ‖ counter) blocks, truncated", () => {
    const seed = Uint8Array.of(1, 2, 3);
    const block = (c: number) => createHash("sha256").update(Buffer.concat([seed, Buffer.from([0, 0, 0, c])])).digest();
    expect(Buffer.from(mgf1(TOKEN_PSS, seed, 40))).to.deep.equal(Buffer.concat([block(0), block(1)]).subarray(0, 40));
  });

  for (const [name, params, hash] of [["SHA-256, salt 32", TOKEN_PSS, "sha256"], ["SHA-384, salt 48", SHA384_PSS, "sha384"]] as const) {
    describe(name, () => {
      it("our encoding, signed with raw RSA, verifies with OpenSSL RSASSA-PSS", () => {
        for (let i = 0; i < 20; i++) {
          const message = randomBytes(1 + i * 13);
          const em = emsaPssEncode(message, 2047, randomBytes(params.sLen), params);
          expect(em.length).to.equal(256);
          expect(em[0] & 0x80).to.equal(0);
          const ok = verify(hash, message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.sLen }, rawSign(em));
          expect(ok).to.equal(true);
        }
      });

      it("OpenSSL's RSASSA-PSS signatures open to an encoding we accept", () => {
        for (let i = 0; i < 20; i++) {
          const message = randomBytes(1 + i * 13);
          const sig = sign(hash, message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.sLen });
          expect(emsaPssVerify(message, rawOpen(sig), 2047, params)).to.equal(true);
          expect(emsaPssVerify(Uint8Array.of(...message, 0), rawOpen(sig), 2047, params)).to.equal(false);
        }
      });
    });
  }

  it("is deterministic for a fixed salt and changes with the salt", () => {
    const m = Uint8Array.of(42);
    const a = emsaPssEncode(m, 2047, new Uint8Array(32), TOKEN_PSS);
    expect(emsaPssEncode(m, 2047, new Uint8Array(32), TOKEN_PSS)).to.deep.equal(a);
    expect(emsaPssEncode(m, 2047, new Uint8Array(32).fill(1), TOKEN_PSS)).to.not.deep.equal(a);
  });

  describe("verify rejects", () => {
    const message = Uint8Array.of(1, 2, 3);
    const em = () => emsaPssEncode(message, 2047, randomBytes(32), TOKEN_PSS);

    it("a salt of another length (OpenSSL's automatic salt length would accept it)", () => {
      const short = emsaPssEncode(message, 2047, randomBytes(20), { ...TOKEN_PSS, sLen: 20 });
      expect(emsaPssVerify(message, short, 2047, { ...TOKEN_PSS, sLen: 20 })).to.equal(true);
      expect(emsaPssVerify(message, short, 2047, TOKEN_PSS)).to.equal(false);
    });

    it("a wrong trailer byte", () => {
      const e = em();
      e[255] = 0xbd;
      expect(emsaPssVerify(message, e, 2047, TOKEN_PSS)).to.equal(false);
    });

    it("the bit above emBits set", () => {
      const e = em();
      e[0] |= 0x80;
      expect(emsaPssVerify(message, e, 2047, TOKEN_PSS)).to.equal(false);
    });

    it("any flipped bit in the masked data block or the hash", () => {
      const e = em();
      for (const i of [1, 100, 190, 222, 223, 240, 254]) {
        const f = e.slice();
        f[i] ^= 0x10;
        expect(emsaPssVerify(message, f, 2047, TOKEN_PSS), `byte ${i}`).to.equal(false);
      }
    });

    it("an encoding of the wrong length", () => {
      expect(emsaPssVerify(message, em().subarray(1), 2047, TOKEN_PSS)).to.equal(false);
    });
  });

  it("refuses a salt of the wrong length as caller misuse", () => {
    expect(() => emsaPssEncode(Uint8Array.of(1), 2047, new Uint8Array(31), TOKEN_PSS)).to.throw(TypeError);
  });
});
