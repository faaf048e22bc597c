// protocol/fast-encodings.ts writes the token message byte by byte for speed; it
// must give exactly what protocol/token/message.ts gives, on random and malformed inputs.
// (recoverVoterFast is held to ethers' recoverVoter by test/protocol/vote-recover.test.ts.)
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Wallet, hexlify } from "ethers";
import { tokenMessage } from "../../protocol/token/message.js";
import { tokenMessageFast } from "../../protocol/fast-encodings.js";

const randomAddress = () => new Wallet(hexlify(randomBytes(32))).address;
const randomUint = (bytes: number) => BigInt(hexlify(randomBytes(bytes)));
/** What a call gives: its value, or its error's code. */
const outcome = (f: () => unknown) => {
  try {
    const v = f();
    return { value: v instanceof Uint8Array ? hexlify(v) : v };
  } catch (e) {
    return { code: (e as { code?: string }).code ?? (e as Error).name };
  }
};

describe("protocol/fast-encodings agrees with protocol/token/message.ts", () => {
  it("tokenMessageFast: the same 160 bytes as tokenMessage on random inputs, lower-case addresses included", () => {
    for (let i = 0; i < 200; i++) {
      const p = {
        chainId: i === 0 ? (1n << 256n) - 1n : randomUint(1 + (i % 32)) + 1n, ballotBox: randomAddress(),
        ballotId: i === 1 ? 0n : randomUint(1 + (i % 32)), voter: i % 2 ? randomAddress() : randomAddress().toLowerCase(),
      };
      expect(hexlify(tokenMessageFast(p)), JSON.stringify(p, (_, v) => (typeof v === "bigint" ? v.toString() : v))).to.equal(hexlify(tokenMessage(p)));
    }
  });

  it("tokenMessageFast refuses what tokenMessage refuses, with the same codes", () => {
    const good = { chainId: 1n, ballotBox: randomAddress(), ballotId: 1n, voter: randomAddress() };
    for (const bad of [{ chainId: 0n }, { chainId: 1n << 256n }, { ballotId: -1n }, { ballotId: 1n << 256n }, { voter: "0x1234" }, { ballotBox: "not an address" }]) {
      const p = { ...good, ...bad };
      const fast = outcome(() => tokenMessageFast(p)), reference = outcome(() => tokenMessage(p));
      expect(fast, JSON.stringify(bad, (_, v) => (typeof v === "bigint" ? v.toString() : v))).to.deep.equal(reference);
      expect(fast).to.have.property("code");
    }
  });
});
