// keccak256 through the `keccak` package, and EIP-55 checksums computed with it, must equal
// ethers' (an independent implementation) on every input.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { getAddress, hexlify, keccak256 } from "ethers";
import { checksumAddressFast as checksumAddress, keccak256Bytes, parseAddressFast } from "../../protocol/keccak.node.js";
import { parseAddress } from "../../protocol/fields.js";

describe("protocol/keccak.node", () => {
  it("hashes like ethers on empty, short, block-sized and long inputs", () => {
    for (const length of [0, 1, 31, 32, 64, 135, 136, 137, 272, 1000, 5000]) {
      const data = randomBytes(length);
      expect(hexlify(keccak256Bytes(data)), `length ${length}`).to.equal(keccak256(data));
    }
    // A published value: keccak256("") (Ethereum's empty-code hash).
    expect(hexlify(keccak256Bytes(new Uint8Array()))).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  });

  it("checksums addresses as EIP-55 (ethers' getAddress)", () => {
    for (let i = 0; i < 200; i++) {
      const lower = randomBytes(20).toString("hex");
      expect(checksumAddress(lower)).to.equal(getAddress("0x" + lower));
    }
    // EIP-55's own example.
    expect(checksumAddress("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).to.equal("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  });

  it("parses addresses as ethers' getAddress judges them, with ethers' keccak or the native one", () => {
    // A verdict: the checksummed address, or the refusal's code and field.
    const verdict = (parse: typeof parseAddress, value: unknown) => {
      try {
        return { address: parse(value, "voter") };
      } catch (error) {
        const e = error as { code?: string; field?: string };
        return { code: e.code, field: e.field };
      }
    };
    // The oracle: the 0x-prefixed 40-digit shape, then ethers' getAddress.
    const oracle = (value: unknown) => {
      if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) return { code: "ERR_INVALID_ADDRESS", field: "voter" };
      try {
        return { address: getAddress(value) };
      } catch {
        return { code: "ERR_INVALID_ADDRESS", field: "voter" };
      }
    };
    const flipOne = (a: string) => {
      const i = a.slice(2).search(/[a-fA-F]/) + 2;
      const c = a[i];
      return a.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + a.slice(i + 1);
    };
    const inputs: unknown[] = ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x" + "0".repeat(40), "0x" + "a".repeat(40), "0X" + "a".repeat(40),
      "0x" + "a".repeat(39), "0x" + "a".repeat(41), "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0x" + "g".repeat(40), 42, null, undefined];
    for (let i = 0; i < 100; i++) {
      const checksummed = getAddress("0x" + randomBytes(20).toString("hex"));
      inputs.push(checksummed, checksummed.toLowerCase(), "0x" + checksummed.slice(2).toUpperCase(), flipOne(checksummed));
    }
    let refused = 0;
    for (const value of inputs) {
      const expected = oracle(value);
      if (!("address" in expected)) refused++;
      expect(verdict(parseAddress, value), String(value)).to.deep.equal(expected);
      expect(verdict(parseAddressFast, value), String(value)).to.deep.equal(expected);
    }
    expect(refused).to.be.greaterThan(100); // every flipped checksum, and the bad shapes
  });
});
