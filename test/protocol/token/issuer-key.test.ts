import { expect } from "chai";
import { webcrypto } from "node:crypto";
import { Wallet } from "ethers";
import {
  blind, blindSign, ErrorCode, finalize, issuerKeyFromJwk, issuerKeyFromModulus, issuerKeyToJwk, modulusBytes, toHex, tokenMessage,
} from "../../../protocol/node.js";
import { expectUrneError } from "../helpers.js";
import { BALLOT_BOX, freshIssuer } from "./fixtures.js";

describe("issuer key", () => {
  const { privateKey, publicKey } = freshIssuer();

  describe("issuerKeyFromModulus", () => {
    it("reads the 256-byte modulus back, with e = 65537", () => {
      const key = issuerKeyFromModulus(toHex(modulusBytes(publicKey)));
      expect(key).to.deep.equal({ n: publicKey.n, e: 65537n });
      expect(modulusBytes(key).length).to.equal(256);
    });

    const good = () => modulusBytes(publicKey);
    for (const [what, bytes] of [
      ["255 bytes", () => good().subarray(1)],
      ["257 bytes", () => Uint8Array.of(0, ...good())],
      ["an even modulus", () => { const b = good(); b[255] &= 0xfe; return b; }],
      ["a top bit clear (fewer than 2048 bits)", () => { const b = good(); b[0] &= 0x7f; return b; }],
      ["an empty modulus", () => new Uint8Array(0)],
    ] as const) {
      it(`rejects ${what} with ERR_INVALID_ISSUER_KEY naming the field`, () => {
        expectUrneError(() => issuerKeyFromModulus(toHex(bytes()), "ballot.issuerModulus"), ErrorCode.ERR_INVALID_ISSUER_KEY, "ballot.issuerModulus");
      });
    }

    it("rejects bad hex with ERR_INVALID_HEX", () => {
      expectUrneError(() => issuerKeyFromModulus("0xzz"), ErrorCode.ERR_INVALID_HEX, "issuerModulus");
    });
  });

  describe("JWK", () => {
    it("round-trips through a JWK", () => {
      const jwk = issuerKeyToJwk(publicKey);
      expect(jwk.kty).to.equal("RSA");
      expect(jwk.e).to.equal("AQAB");
      expect(issuerKeyFromJwk(JSON.parse(JSON.stringify(jwk)))).to.deep.equal(publicKey);
    });

    it("is what node:crypto exports for the same key", () => {
      const exported = privateKey.export({ format: "jwk" });
      expect(issuerKeyToJwk(publicKey).n).to.equal(exported.n);
    });

    it("lets WebCrypto (as in a browser) verify a token made by the blind flow", async () => {
      const message = tokenMessage({ chainId: 1n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: Wallet.createRandom().address });
      const { blindedMessage, inverse } = blind(publicKey, message);
      const token = finalize(publicKey, message, blindSign(privateKey, blindedMessage), inverse);
      const key = await webcrypto.subtle.importKey("jwk", issuerKeyToJwk(publicKey), { name: "RSA-PSS", hash: "SHA-256" }, false, ["verify"]);
      expect(await webcrypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, key, token, message)).to.equal(true);
    });

    for (const [what, patch, field] of [
      ["another key type", { kty: "EC" }, "jwk.kty"],
      ["another exponent", { e: "Aw" }, "jwk.e"],
      ["another algorithm", { alg: "RS256" }, "jwk.alg"],
      ["padded base64", { n: "=" }, "jwk.n"],
      ["standard base64 characters", { n: "+/" }, "jwk.n"],
      ["a short modulus", { n: "AQAB" }, "jwk.n"],
    ] as const) {
      it(`rejects ${what}`, () => {
        const jwk = { ...issuerKeyToJwk(publicKey), ...patch };
        expectUrneError(() => issuerKeyFromJwk(jwk), ErrorCode.ERR_INVALID_ISSUER_KEY, field);
      });
    }

    it("rejects a non-canonical base64url modulus (stray low bits in the last character)", () => {
      const jwk = issuerKeyToJwk(publicKey);
      // 256 bytes = 342 characters + 2 bits of padding: the last character carries 4 data bits.
      const last = jwk.n.at(-1)!;
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const bumped = alphabet[alphabet.indexOf(last) ^ 1];
      expectUrneError(() => issuerKeyFromJwk({ ...jwk, n: jwk.n.slice(0, -1) + bumped }), ErrorCode.ERR_INVALID_ISSUER_KEY, "jwk.n");
    });

    it("rejects a non-object", () => {
      expectUrneError(() => issuerKeyFromJwk("key"), ErrorCode.ERR_INVALID_ISSUER_KEY, "jwk");
    });
  });
});
