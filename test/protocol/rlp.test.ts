// protocol/rlp.ts against ethers' encodeRlp (the oracle it replaces on the hot path):
// the same bytes for every size class of string and list (short, long, long with a
// multi-byte length), nested lists, and random trees; and the quantity rule (minimal
// big-endian bytes, 0 as the empty string).
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { encodeRlp as encodeRlpEthers, hexlify, toBeArray } from "ethers";
import { encodeRlp, integerBytes, type RlpItem } from "../../protocol/rlp.js";
import { quantityBytes, dataBytes } from "../../protocol/audit/answer-bytes.js";
import { toHex } from "../../protocol/hex.js";

type Hexed = string | Hexed[];
const hexed = (item: RlpItem): Hexed => (item instanceof Uint8Array ? hexlify(item) : item.map(hexed));
const same = (item: RlpItem) => expect(toHex(encodeRlp(item))).to.equal(encodeRlpEthers(hexed(item)));

describe("rlp: encodeRlp over bytes", () => {
  it("encodes strings of every size class as ethers does", () => {
    for (const size of [0, 1, 2, 55, 56, 255, 256, 65_535, 65_536, 70_000]) same(randomBytes(size));
    for (const byte of [0x00, 0x7f, 0x80, 0xff]) same(Uint8Array.of(byte));
  });

  it("encodes lists, short and long, nested, as ethers does", () => {
    same([]);
    same([[], [[]], [[], [[]]]]);
    same([randomBytes(10), randomBytes(40)]);
    same(Array.from({ length: 300 }, (_, i) => randomBytes(i % 70)));
    same([Array.from({ length: 3 }, () => [randomBytes(20), [randomBytes(32), randomBytes(32)], randomBytes(600)])]);
  });

  it("encodes random trees as ethers does", () => {
    const tree = (depth: number): RlpItem => (depth === 0 || Math.random() < 0.3 ? randomBytes(Math.floor(Math.random() * 80)) : Array.from({ length: Math.floor(Math.random() * 6) }, () => tree(depth - 1)));
    for (let i = 0; i < 200; i++) same(tree(5));
  });

  it("reads quantities as minimal big-endian bytes and refuses malformed hex, naming the field", () => {
    expect(toHex(quantityBytes("0x0", "n"))).to.equal("0x");
    expect(toHex(quantityBytes("0x00ff", "n"))).to.equal("0xff");
    expect(toHex(quantityBytes("0x100", "n"))).to.equal("0x0100");
    expect(() => quantityBytes("0x", "block.number")).to.throw("the node's block.number is malformed");
    expect(() => quantityBytes(12, "block.number")).to.throw("block.number");
    expect(() => dataBytes("0xabc", "log.data")).to.throw("the node's log.data is malformed");
    expect(() => dataBytes("0xzz", "log.data")).to.throw("log.data");
    expect(toHex(dataBytes("0xABcd", "log.data"))).to.equal("0xabcd");
  });

  it("integerBytes: an integer as ethers' toBeArray writes it (0 as the empty string), the same bytes as the quantity", () => {
    for (const n of [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x100n, 31337n, 2n ** 64n - 1n, 2n ** 255n, 2n ** 256n - 1n]) {
      expect(hexlify(integerBytes(n))).to.equal(n === 0n ? "0x" : hexlify(toBeArray(n)));
      expect(integerBytes(n)).to.deep.equal(quantityBytes("0x" + n.toString(16), "n"));
    }
    expect(() => integerBytes(-1n)).to.throw(RangeError);
  });
});
