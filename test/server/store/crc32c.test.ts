// CRC-32C against RFC 3720 §B.4's vectors (the ones LevelDB's own crc32c_test uses), and
// LevelDB's mask (a rotation and an offset) against its inverse.
import { expect } from "chai";
import { crc32c, maskCrc, unmaskCrc } from "../../../server/store/crc32c.js";

describe("crc32c (LevelDB's record and block checksum)", () => {
  it("gives RFC 3720's check values", () => {
    expect(crc32c(new Uint8Array(32))).to.equal(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).to.equal(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).to.equal(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).to.equal(0x113fdb5c);
    expect(crc32c(Buffer.from("123456789"))).to.equal(0xe3069283);
  });

  it("gives the same value whole or continued, at any alignment", () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
      expect(crc32c(bytes, cut, 1000, crc32c(bytes, 0, cut)), `cut at ${cut}`).to.equal(crc32c(bytes));
    }
  });

  it("masks as LevelDB does: unmask undoes mask, and a masked value differs from the CRC", () => {
    const crc = crc32c(Buffer.from("foo"));
    expect(maskCrc(crc)).to.not.equal(crc);
    expect(maskCrc(maskCrc(crc))).to.not.equal(crc);
    expect(unmaskCrc(maskCrc(crc))).to.equal(crc);
    expect(unmaskCrc(unmaskCrc(maskCrc(maskCrc(crc))))).to.equal(crc);
  });
});
