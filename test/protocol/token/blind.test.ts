// The voter's side of blind issuance (PROTOCOL.md §3.3 steps 1 and 3).
import { expect } from "chai";
import { Wallet } from "ethers";
import {
  bigIntToBytes, blind, blindSign, bytesToBigInt, emsaPssEncode, ErrorCode, finalize, toHex, tokenMessage, TOKEN_PSS, verifyToken,
} from "../../../protocol/node.js";
import { expectUrneError } from "../helpers.js";
import { BALLOT_BOX, freshIssuer } from "./fixtures.js";

const message = () => tokenMessage({ chainId: 31337n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: Wallet.createRandom().address });

describe("blind", () => {
  const { publicKey } = freshIssuer();

  it("gives 256 bytes below n and an inverse of r", () => {
    const salt = new Uint8Array(32).fill(7);
    const r = 123456789n;
    const { blindedMessage, inverse } = blind(publicKey, message(), { salt, r });
    expect(blindedMessage.length).to.equal(256);
    expect(bytesToBigInt(blindedMessage) < publicKey.n).to.equal(true);
    expect((inverse * r) % publicKey.n).to.equal(1n);
  });

  describe("hides the token message (blindness sanity, RFC 9474 §7.1)", () => {
    it("the blinded message is not the encoded message", () => {
      const m = message();
      const salt = new Uint8Array(32).fill(1);
      const { blindedMessage } = blind(publicKey, m, { salt });
      expect(toHex(blindedMessage)).to.not.equal(toHex(emsaPssEncode(m, 2047, salt, TOKEN_PSS)));
    });

    it("two blindings of the same message, even with the same salt, differ", () => {
      const m = message();
      const salt = new Uint8Array(32).fill(1);
      const seen = new Set(Array.from({ length: 20 }, () => toHex(blind(publicKey, m, { salt }).blindedMessage)));
      expect(seen.size).to.equal(20);
    });

    it("blinded messages use the whole range: their top bytes spread (r is uniform in [1, n))", () => {
      const m = message();
      const top = Array.from({ length: 200 }, () => blind(publicKey, m).blindedMessage[0]);
      // The top byte of a uniform value below n (n starts with 0x80..0xff) takes many values.
      expect(new Set(top).size).to.be.greaterThan(40);
      expect(Math.max(...top)).to.be.greaterThan(0x60);
    });
  });

  it("refuses an r that is 0, >= n or not invertible as caller misuse", () => {
    for (const r of [0n, publicKey.n, publicKey.n + 1n]) expect(() => blind(publicKey, message(), { r })).to.throw(TypeError);
  });

  it("refuses a modulus that shares a factor with the encoded message (RFC 9474 §4.2 is_coprime), which would leak it", () => {
    // An issuer key proof (§2.5) says nothing of small factors: n = 3·x passes it when 3·x has
    // no factor p with 65537 | p - 1. Blinding a multiple of 3 would show the issuer b ≡ 0 (mod 3).
    let n = 0n;
    while (n < 1n << 2047n) {
      const n0 = bytesToBigInt(crypto.getRandomValues(new Uint8Array(256)));
      n = n0 - (n0 % 6n) + 3n; // odd, divisible by 3
    }
    const key = { n, e: 65537n };
    const m = message();
    let salt: Uint8Array;
    do salt = crypto.getRandomValues(new Uint8Array(32));
    while (bytesToBigInt(emsaPssEncode(m, 2047, salt, TOKEN_PSS)) % 3n !== 0n);
    expectUrneError(() => blind(key, m, { salt }), ErrorCode.ERR_INVALID_ISSUER_KEY, "issuerModulus");
  });

  it("refuses a message that is not bytes as caller misuse", () => {
    expect(() => blind(publicKey, "0x01" as unknown as Uint8Array)).to.throw(TypeError);
  });
});

describe("finalize", () => {
  const { privateKey, publicKey } = freshIssuer();
  const other = freshIssuer(1);

  it("unblinds the issuer's answer into a token that verifies", () => {
    const m = message();
    const { blindedMessage, inverse } = blind(publicKey, m);
    const token = finalize(publicKey, m, blindSign(privateKey, blindedMessage), inverse);
    expect(token.length).to.equal(256);
    expect(verifyToken(publicKey, m, token)).to.equal(true);
  });

  it("accepts the blind signature as hex", () => {
    const m = message();
    const { blindedMessage, inverse } = blind(publicKey, m);
    expect(verifyToken(publicKey, m, finalize(publicKey, m, toHex(blindSign(privateKey, blindedMessage)), inverse))).to.equal(true);
  });

  describe("refuses, so that the voter never uses a bad token", () => {
    const m = message();
    const { blindedMessage, inverse } = blind(publicKey, m);
    const answer = blindSign(privateKey, blindedMessage);

    it("an answer signed with another key (an issuer tagging this voter)", () => {
      // Reduced mod n: an answer under a larger modulus may be >= n, which finalize refuses
      // earlier, as ERR_INVALID_BLIND_SIGNATURE (regression: this failed by chance).
      const signed = blindSign(other.privateKey, bigIntToBytes(bytesToBigInt(blindedMessage) % other.publicKey.n, 256));
      const wrong = bigIntToBytes(bytesToBigInt(signed) % publicKey.n, 256);
      expectUrneError(() => finalize(publicKey, m, wrong, inverse), ErrorCode.ERR_TOKEN_VERIFICATION_FAILED, "blindSignature");
    });

    it("an answer with a flipped bit", () => {
      const wrong = answer.slice();
      wrong[100] ^= 4;
      expectUrneError(() => finalize(publicKey, m, wrong, inverse), ErrorCode.ERR_TOKEN_VERIFICATION_FAILED, "blindSignature");
    });

    it("an answer for another blinded message", () => {
      const elsewhere = blindSign(privateKey, blind(publicKey, message()).blindedMessage);
      expectUrneError(() => finalize(publicKey, m, elsewhere, inverse), ErrorCode.ERR_TOKEN_VERIFICATION_FAILED, "blindSignature");
    });

    it("the right answer unblinded for another message", () => {
      expectUrneError(() => finalize(publicKey, message(), answer, inverse), ErrorCode.ERR_TOKEN_VERIFICATION_FAILED, "blindSignature");
    });

    it("an answer of the wrong length", () => {
      for (const wrong of [answer.subarray(1), Uint8Array.of(0, ...answer), new Uint8Array(0)]) {
        expectUrneError(() => finalize(publicKey, m, wrong, inverse), ErrorCode.ERR_INVALID_BLIND_SIGNATURE, "blindSignature");
      }
    });

    it("an answer >= n", () => {
      for (const z of [publicKey.n, bytesToBigInt(answer) + publicKey.n, 2n ** 2048n - 1n]) {
        if (z >= 2n ** 2048n) continue;
        expectUrneError(() => finalize(publicKey, m, bigIntToBytes(z, 256), inverse), ErrorCode.ERR_INVALID_BLIND_SIGNATURE, "blindSignature");
      }
    });

    it("an answer that is not hex", () => {
      expectUrneError(() => finalize(publicKey, m, "0xzz", inverse), ErrorCode.ERR_INVALID_HEX, "blindSignature");
    });
  });
});
