import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { bigIntToBytes, bitLength, bytesToBigInt, ErrorCode, parseHex, toHex, UrneError } from "../../protocol/index.js";
import { expectUrneError } from "./helpers.js";

describe("hex", () => {
  describe("parseHex", () => {
    it("reads 0x-prefixed hex of either case", () => {
      expect([...parseHex("0x00fFaB", "f")]).to.deep.equal([0, 255, 171]);
      expect(parseHex("0x", "f").length).to.equal(0);
    });

    it("copies a Uint8Array, so later changes by the caller do not leak in", () => {
      const input = Uint8Array.of(1, 2);
      const out = parseHex(input, "f");
      input[0] = 9;
      expect([...out]).to.deep.equal([1, 2]);
    });

    for (const [what, value] of [
      ["no 0x prefix", "00ff"], ["an odd number of digits", "0x0ff"], ["a non-hex digit", "0x0g"],
      ["whitespace", "0x00 "], ["a number", 255], ["null", null], ["an uppercase 0X prefix", "0X00"],
      ["an empty string", ""], ["a lone 0", "0"], ["a digit past ASCII", "0x0\u0661"], ["a full-width digit", "0x\uff10\uff10"],
      ["a character whose low byte is a digit", "0x0\u0130"],
    ] as const) {
      it(`rejects ${what} with ERR_INVALID_HEX naming the field`, () => {
        expectUrneError(() => parseHex(value, "ballot.payload"), ErrorCode.ERR_INVALID_HEX, "ballot.payload");
      });
    }

    it("reads and writes hex as Node's own codec does, on random bytes", () => {
      for (let length = 0; length < 300; length += 7) {
        const bytes = randomBytes(length);
        const lower = bytes.toString("hex"), upper = lower.toUpperCase();
        expect(toHex(bytes)).to.equal("0x" + lower);
        expect(Buffer.from(parseHex("0x" + lower, "f")).equals(bytes)).to.equal(true);
        expect(Buffer.from(parseHex("0x" + upper, "f")).equals(bytes)).to.equal(true);
        expect(bytesToBigInt(bytes)).to.equal(length === 0 ? 0n : BigInt("0x" + lower));
      }
    });

    it("rejects every character that is not a hex digit, in either place of a byte", () => {
      for (let code = 0; code < 0x180; code++) {
        const c = String.fromCharCode(code);
        if (/[0-9a-fA-F]/.test(c)) continue;
        expectUrneError(() => parseHex("0x0" + c, "f"), ErrorCode.ERR_INVALID_HEX, "f");
        expectUrneError(() => parseHex("0x" + c + "0", "f"), ErrorCode.ERR_INVALID_HEX, "f");
      }
    });

    it("rejects a wrong length when one is required", () => {
      const err = expectUrneError(() => parseHex("0x0102", "sig", 3), ErrorCode.ERR_INVALID_HEX, "sig");
      expect(err.message).to.contain("3 bytes");
    });
  });

  describe("integers", () => {
    it("round-trips OS2IP and I2OSP with leading zeros", () => {
      const b = bigIntToBytes(0x0102n, 4);
      expect(toHex(b)).to.equal("0x00000102");
      expect(bytesToBigInt(b)).to.equal(0x0102n);
      expect(bytesToBigInt(new Uint8Array(0))).to.equal(0n);
    });

    it("throws a TypeError (caller misuse) when a value does not fit", () => {
      expect(() => bigIntToBytes(256n, 1)).to.throw(TypeError);
      expect(() => bigIntToBytes(-1n, 1)).to.throw(TypeError);
    });

    it("measures bit lengths", () => {
      expect([0n, 1n, 255n, 256n, 1n << 2047n].map(bitLength)).to.deep.equal([0, 1, 8, 9, 2048]);
    });
  });

  it("UrneError carries a code, a field and a cause", () => {
    const cause = new Error("root");
    const e = new UrneError(ErrorCode.ERR_INVALID_PAYLOAD, "bad", { field: "payload[2]", cause });
    expect([e.name, e.code, e.field, e.cause, e instanceof Error]).to.deep.equal(["UrneError", "ERR_INVALID_PAYLOAD", "payload[2]", cause, true]);
  });
});
