// The native keccak256 (the `keccak` package's prebuilt binding) and EIP-55 checksums
// computed with it must equal ethers' on every input.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { getAddress, hexlify } from "ethers";
import { checksumAddress, KECCAK_BACKEND, keccak256Bytes, keccak256BytesJs } from "../../protocol/keccak.node.js";

describe("protocol/keccak.node", () => {
  it("uses the native binding where the package ships one (linux x64 here)", function () {
    if (process.platform !== "linux" || process.arch !== "x64") this.skip();
    expect(KECCAK_BACKEND).to.equal("native");
  });

  it("hashes like ethers on empty, short, block-sized and long inputs", () => {
    for (const length of [0, 1, 31, 32, 64, 135, 136, 137, 272, 1000, 5000]) {
      const data = randomBytes(length);
      expect(hexlify(keccak256Bytes(data)), `length ${length}`).to.equal(hexlify(keccak256BytesJs(data)));
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
});
