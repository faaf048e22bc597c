// Tokens are standard RSASSA-PSS signatures (PROTOCOL.md §3.2): OpenSSL and verifyToken
// agree on every token of the blind flow, on OpenSSL's own signatures, and on every
// tampered token.
import { expect } from "chai";
import { constants, sign, verify, type KeyObject } from "node:crypto";
import { Wallet } from "ethers";
import {
  bigIntToBytes, blind, blindSign, bytesToBigInt, finalize, tokenMessage, verifyToken, type TokenMessageInput,
} from "../../../protocol/node.js";
import { BALLOT_BOX, freshIssuer } from "./fixtures.js";

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

/** OpenSSL's verdict; a signature it cannot even parse counts as a rejection. */
function openssl(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify("sha256", message, { key, ...PSS }, signature);
  } catch {
    return false;
  }
}

describe("tokens cross-checked with OpenSSL", function () {
  this.timeout(120_000);
  const { privateKey, publicKey } = freshIssuer();
  const other = freshIssuer(1);
  const input = (i: number): TokenMessageInput => ({ chainId: 31337n, ballotBox: BALLOT_BOX, ballotId: BigInt(1 + (i % 5)), voter: Wallet.createRandom().address });
  const issue = (m: Uint8Array) => {
    const { blindedMessage, inverse } = blind(publicKey, m);
    return finalize(publicKey, m, blindSign(privateKey, blindedMessage), inverse);
  };

  it("250 tokens of the blind flow verify with OpenSSL and with verifyToken", () => {
    for (let i = 0; i < 250; i++) {
      const m = tokenMessage(input(i));
      const token = issue(m);
      expect(openssl(privateKey, m, token), `token ${i}, OpenSSL`).to.equal(true);
      expect(verifyToken(publicKey, m, token), `token ${i}, verifyToken`).to.equal(true);
    }
  });

  it("250 signatures of OpenSSL (RSA-PSS, SHA-256, salt 32) verify with verifyToken", () => {
    for (let i = 0; i < 250; i++) {
      const m = tokenMessage(input(i));
      const s = new Uint8Array(sign("sha256", m, { key: privateKey, ...PSS }));
      expect(verifyToken(publicKey, m, s), `signature ${i}`).to.equal(true);
    }
  });

  describe("both reject", () => {
    const base = input(0);
    const m = tokenMessage(base);
    const token = issue(m);
    const bothReject = (message: Uint8Array, sig: Uint8Array, key: KeyObject = privateKey) => {
      expect(openssl(key, message, sig), "OpenSSL").to.equal(false);
      expect(verifyToken(key === privateKey ? publicKey : other.publicKey, message, sig), "verifyToken").to.equal(false);
    };

    it("a token with any single flipped bit (sampled over the whole signature)", () => {
      for (let bit = 0; bit < 2048; bit += 37) {
        const t = token.slice();
        t[bit >> 3] ^= 1 << (bit & 7);
        bothReject(m, t);
      }
    });
    it("a token for another ballot", () => bothReject(tokenMessage({ ...base, ballotId: base.ballotId + 1n }), token));
    it("a token for another voter", () => bothReject(tokenMessage({ ...base, voter: Wallet.createRandom().address }), token));
    it("a token for another chain id", () => bothReject(tokenMessage({ ...base, chainId: 1n }), token));
    it("a token for another contract", () => bothReject(tokenMessage({ ...base, ballotBox: Wallet.createRandom().address }), token));
    it("a token checked under another issuer key", () => bothReject(m, token, other.privateKey));
    it("a token s + n (>= n, same residue)", () => {
      const s = bytesToBigInt(token) + publicKey.n;
      if (s < 2n ** 2048n) bothReject(m, bigIntToBytes(s, 256));
      bothReject(m, bigIntToBytes(publicKey.n, 256));
      bothReject(m, new Uint8Array(256).fill(0xff));
    });
    it("a token of the wrong length", () => {
      bothReject(m, token.subarray(1));
      bothReject(m, Uint8Array.of(0, ...token));
      bothReject(m, new Uint8Array(0));
    });
    it("zero and one", () => {
      bothReject(m, new Uint8Array(256));
      bothReject(m, bigIntToBytes(1n, 256));
    });
  });

  it("verifyToken takes hex, and refuses non-hex input as ERR_INVALID_HEX", () => {
    const m = tokenMessage(input(0));
    const token = issue(m);
    expect(verifyToken(publicKey, m, "0x" + Buffer.from(token).toString("hex"))).to.equal(true);
    expect(() => verifyToken(publicKey, m, "nothex")).to.throw().with.property("code", "ERR_INVALID_HEX");
  });
});
