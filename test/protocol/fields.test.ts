import { expect } from "chai";
import { checkSafeInteger, checkUint, ErrorCode, parseAddress, parseDecimal } from "../../protocol/index.js";
import { expectUrneError } from "./helpers.js";

const ADDR = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("fields", () => {
  describe("parseAddress", () => {
    it("returns the checksummed address from lower case or a valid checksum", () => {
      expect(parseAddress(ADDR.toLowerCase(), "voter")).to.equal(ADDR);
      expect(parseAddress(ADDR, "voter")).to.equal(ADDR);
    });

    it("rejects a bad checksum, a wrong length, an ENS name", () => {
      const badChecksum = ADDR.slice(0, -1) + "A";
      for (const v of [badChecksum, ADDR.slice(0, -2), "vitalik.eth", ADDR.slice(2), 42]) {
        expectUrneError(() => parseAddress(v, "vote.voter"), ErrorCode.ERR_INVALID_ADDRESS, "vote.voter");
      }
    });
  });

  describe("parseDecimal", () => {
    it("reads canonical decimal strings up to 2^256 - 1", () => {
      expect(parseDecimal("0", "x")).to.equal(0n);
      expect(parseDecimal((2n ** 256n - 1n).toString(), "x")).to.equal(2n ** 256n - 1n);
    });

    it("rejects leading zeros, signs, exponents, hex, numbers and overflow", () => {
      for (const v of ["01", "-1", "+1", "1e3", "0x10", " 1", "", 1, (2n ** 256n).toString()]) {
        expectUrneError(() => parseDecimal(v, "proof.chainId"), ErrorCode.ERR_INVALID_INTEGER, "proof.chainId");
      }
    });
  });

  it("checkUint enforces the type's range and the minimum", () => {
    expect(checkUint(2n ** 32n - 1n, 32, "r")).to.equal(2n ** 32n - 1n);
    expectUrneError(() => checkUint(2n ** 32n, 32, "r"), ErrorCode.ERR_INVALID_INTEGER, "r");
    expectUrneError(() => checkUint(0n, 256, "chainId", 1n), ErrorCode.ERR_INVALID_INTEGER, "chainId");
    expectUrneError(() => checkUint(1, 256, "chainId"), ErrorCode.ERR_INVALID_INTEGER, "chainId");
  });

  it("checkSafeInteger rejects fractions, NaN and out-of-range numbers", () => {
    for (const v of [1.5, NaN, -1, 11, "1"]) expectUrneError(() => checkSafeInteger(v, "revision", 0, 10), ErrorCode.ERR_INVALID_INTEGER, "revision");
  });
});
