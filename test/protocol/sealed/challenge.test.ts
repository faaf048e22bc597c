// The challenge of sealed-ballot proofs (protocol/sealed/challenge.ts): RFC 9380's
// expand_message_xmd with SHA-256, held to the RFC's own vectors (Appendix K.1) and to a
// second implementation written here from the RFC's text on node:crypto.
import { createHash } from "node:crypto";
import { expect } from "chai";
import { expand_message_xmd } from "@noble/curves/abstract/hash-to-curve.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { challenge, CHALLENGE_BYTES, PROOF_DOMAIN } from "../../../protocol/sealed/challenge.js";
import { ORDER } from "../../../protocol/sealed/group.js";

/** RFC 9380 §5.3.1, step by step, on node:crypto (the oracle). */
function expandOracle(msg: Buffer, dst: Buffer, length: number): Buffer {
  const ell = Math.ceil(length / 32);
  const dstPrime = Buffer.concat([dst, Buffer.of(dst.length)]);
  const zPad = Buffer.alloc(64);
  const libStr = Buffer.of(length >> 8, length & 0xff);
  const b0 = createHash("sha256").update(Buffer.concat([zPad, msg, libStr, Buffer.of(0), dstPrime])).digest();
  const blocks = [createHash("sha256").update(Buffer.concat([b0, Buffer.of(1), dstPrime])).digest()];
  for (let i = 2; i <= ell; i++) {
    const mixed = Buffer.from(b0.map((b, j) => b ^ blocks[i - 2][j]));
    blocks.push(createHash("sha256").update(Buffer.concat([mixed, Buffer.of(i), dstPrime])).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

describe("sealed ballots: the proofs' challenge (RFC 9380 expand_message_xmd, SHA-256)", () => {
  const DST = "QUUX-V01-CS02-with-expander-SHA256-128";
  const rfc: [string, string][] = [
    ["", "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235"],
    ["abc", "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615"],
    ["abcdef0123456789", "eff31487c770a893cfb36f912fbfcbff40d5661771ca4b2cb4eafe524333f5c1"],
  ];

  it("gives RFC 9380's vectors (Appendix K.1, 32 bytes)", () => {
    for (const [msg, expected] of rfc) {
      expect(Buffer.from(expand_message_xmd(new TextEncoder().encode(msg), DST, 0x20, sha256)).toString("hex"), msg).to.equal(expected);
      expect(expandOracle(Buffer.from(msg), Buffer.from(DST), 0x20).toString("hex"), `oracle ${msg}`).to.equal(expected);
    }
  });

  it("equals the node:crypto implementation at the length proofs use, for every domain", () => {
    for (const domain of Object.values(PROOF_DOMAIN)) {
      for (let i = 0; i < 20; i++) {
        const part = Buffer.from(createHash("sha256").update(`${domain}/${i}`).digest()).subarray(0, i * 7 % 33);
        const expected = BigInt("0x" + expandOracle(Buffer.concat([part, part]), Buffer.from(domain), CHALLENGE_BYTES).toString("hex")) % ORDER;
        expect(challenge(domain, [part, part])).to.equal(expected);
      }
    }
  });

  it("separates domains and concatenates parts: a cell's challenge is not a sum's", () => {
    const parts = [Buffer.from("statement"), Buffer.from("commitments")];
    expect(challenge(PROOF_DOMAIN.cell, parts)).not.to.equal(challenge(PROOF_DOMAIN.sum, parts));
    expect(challenge(PROOF_DOMAIN.cell, parts)).to.equal(challenge(PROOF_DOMAIN.cell, [Buffer.concat(parts)]));
  });
});
