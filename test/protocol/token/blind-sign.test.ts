// The issuer's side of blind issuance (PROTOCOL.md §3.3 step 2).
import { expect } from "chai";
import { constants, createPublicKey, generateKeyPairSync, publicEncrypt } from "node:crypto";
import {
  bigIntToBytes, blindSign, bytesToBigInt, ErrorCode, generateIssuerKey, issuerKeyFromKeyObject, modulusBytes,
} from "../../../protocol/node.js";
import { expectUrneError } from "../helpers.js";
import { freshIssuer } from "./fixtures.js";

describe("blindSign", () => {
  const { privateKey, publicKey } = freshIssuer();

  it("is raw RSA: s'^e mod n gives back the blinded message", () => {
    const blinded = bigIntToBytes(0x1234567890abcdefn * 3n ** 500n, 256);
    const s = blindSign(privateKey, blinded);
    expect(s.length).to.equal(256);
    expect(new Uint8Array(publicEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, s))).to.deep.equal(blinded);
  });

  it("signs n - 1, the largest accepted value", () => {
    expect(blindSign(privateKey, bigIntToBytes(publicKey.n - 1n, 256)).length).to.equal(256);
  });

  describe("rejects with ERR_INVALID_BLINDED_MESSAGE, field blindedMessage", () => {
    for (const [what, value] of [
      ["a blinded message equal to n", () => modulusBytes(publicKey)],
      ["a blinded message above n", () => bigIntToBytes(publicKey.n + 1n, 256)],
      ["the largest 256-byte value", () => new Uint8Array(256).fill(0xff)],
      ["zero (its signature would be zero)", () => new Uint8Array(256)],
      ["255 bytes", () => new Uint8Array(255).fill(1)],
      ["257 bytes", () => new Uint8Array(257).fill(1)],
      ["an empty message", () => new Uint8Array(0)],
      ["hex instead of bytes", () => "0x01" as unknown as Uint8Array],
    ] as const) {
      it(what, () => {
        expectUrneError(() => blindSign(privateKey, value()), ErrorCode.ERR_INVALID_BLINDED_MESSAGE, "blindedMessage");
      });
    }
  });

  it("refuses a public key or a non-RSA key as caller misuse", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    for (const key of [createPublicKey(privateKey), ec]) expect(() => blindSign(key, new Uint8Array(256))).to.throw(TypeError);
  });
});

describe("issuerKeyFromKeyObject", () => {
  it("reads the public key of a private or public KeyObject", () => {
    const { privateKey, publicKey } = freshIssuer();
    expect(issuerKeyFromKeyObject(privateKey)).to.deep.equal(publicKey);
    expect(issuerKeyFromKeyObject(createPublicKey(privateKey))).to.deep.equal(publicKey);
  });

  it("refuses an RSA key that is not RSA-2048 (PROTOCOL.md §2.5)", () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    expectUrneError(() => issuerKeyFromKeyObject(small), ErrorCode.ERR_INVALID_ISSUER_KEY, "issuerKey.n");
  });
});

describe("generateIssuerKey", () => {
  it("makes RSA-2048 keys with e = 65537 and a 256-byte modulus, top bit set", () => {
    const { privateKey, publicKey } = generateIssuerKey();
    expect(privateKey.asymmetricKeyDetails).to.include({ modulusLength: 2048, publicExponent: 65537n });
    expect(publicKey.e).to.equal(65537n);
    expect(modulusBytes(publicKey)[0] & 0x80).to.equal(0x80);
    expect(bytesToBigInt(modulusBytes(publicKey))).to.equal(publicKey.n);
  });
});
