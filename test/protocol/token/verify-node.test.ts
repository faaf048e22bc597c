// verifyTokenFast (OpenSSL) must give verifyToken's verdict on every token: valid ones,
// tampered ones, other keys, other messages, wrong lengths and s >= n.
import { expect } from "chai";
import { Wallet } from "ethers";
import { bigIntToBytes, blind, blindSign, finalize, modulusBytes, tokenMessage, toHex, verifyToken } from "../../../protocol/node.js";
import { verifyTokenFast } from "../../../protocol/token/verify.node.js";
import { UrneError } from "../../../protocol/errors.js";
import { BALLOT_BOX, freshIssuer } from "./fixtures.js";

describe("verifyTokenFast (OpenSSL) agrees with verifyToken", function () {
  this.timeout(60_000);
  const { privateKey, publicKey } = freshIssuer();
  const other = freshIssuer(1).publicKey;
  const message = (i: number) => tokenMessage({ chainId: 31337n, ballotBox: BALLOT_BOX, ballotId: BigInt(1 + (i % 3)), voter: Wallet.createRandom().address });
  const tokens = Array.from({ length: 40 }, (_, i) => {
    const m = message(i);
    const { blindedMessage, inverse } = blind(publicKey, m);
    return { m, token: finalize(publicKey, m, blindSign(privateKey, blindedMessage), inverse) };
  });
  const both = (key: typeof publicKey, m: Uint8Array, signature: string) => {
    const fast = verifyTokenFast(key, m, signature);
    expect(fast, signature.slice(0, 20)).to.equal(verifyToken(key, m, signature));
    return fast;
  };

  it("accepts every token of the blind flow", () => {
    for (const { m, token } of tokens) expect(both(publicKey, m, toHex(token))).to.equal(true);
  });

  it("refuses flipped bits, other messages, other keys, lengths and s >= n alike", () => {
    for (const [i, { m, token }] of tokens.slice(0, 10).entries()) {
      const flipped = Uint8Array.from(token);
      flipped[i * 25] ^= 1 << (i % 8);
      expect(both(publicKey, m, toHex(flipped))).to.equal(false);
      expect(both(publicKey, message(i), toHex(token))).to.equal(false);
      expect(both(other, m, toHex(token))).to.equal(false);
      expect(both(publicKey, m, toHex(token.subarray(1)))).to.equal(false);
      expect(both(publicKey, m, toHex(new Uint8Array([0, ...token])))).to.equal(false);
    }
    const s = BigInt(toHex(tokens[0].token));
    expect(both(publicKey, tokens[0].m, toHex(bigIntToBytes(s + publicKey.n < 1n << 2048n ? s + publicKey.n : publicKey.n, 256)))).to.equal(false);
    expect(both(publicKey, tokens[0].m, toHex(modulusBytes(publicKey)))).to.equal(false);
  });

  it("throws the same coded error for a signature that is not hex", () => {
    expect(() => verifyTokenFast(publicKey, tokens[0].m, "0xzz")).to.throw(UrneError).with.property("code", "ERR_INVALID_HEX");
  });
});
