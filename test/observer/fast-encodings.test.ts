// observer/recount/fast-encodings.ts writes the token message and the vote digest byte by
// byte for speed; it must give exactly what protocol/ gives (token/message.ts,
// vote-recover.node.ts), on random inputs and on every kind of bad signature.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Wallet, hexlify, toBeHex } from "ethers";
import { tokenMessage } from "../../protocol/token/message.js";
import { recoverVoterFast } from "../../protocol/vote-recover.node.js";
import { signVote, type VoteInput } from "../../protocol/vote.js";
import { recoverVoterFaster, tokenMessageFast } from "../../observer/recount/fast-encodings.js";

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

describe("observer/recount fast encodings agree with protocol/", () => {
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

  describe("recoverVoterFaster gives recoverVoterFast's answer", () => {
    const base = async () => {
      const wallet = new Wallet(hexlify(randomBytes(32)));
      const p: VoteInput = { chainId: 31337n, ballotBox: randomAddress(), ballotId: randomUint(4) + 1n, revision: Number(randomUint(2)), payload: hexlify(randomBytes(1 + Number(randomUint(1) % 64n))) };
      return { wallet, p, signature: await signVote(wallet, p) };
    };

    it("on valid votes: the signer", async () => {
      for (let i = 0; i < 50; i++) {
        const { wallet, p, signature } = await base();
        expect(recoverVoterFaster(p, signature)).to.equal(wallet.address).and.to.equal(recoverVoterFast(p, signature));
      }
    });

    it("on tampered votes (payload, revision, ballot, box, chain): the same other address", async () => {
      const { wallet, p, signature } = await base();
      for (const change of [{ payload: "0x" + "07".repeat(3) }, { revision: p.revision + 1 }, { ballotId: p.ballotId + 1n }, { ballotBox: randomAddress() }, { chainId: 1n }]) {
        const q = { ...p, ...change };
        const fast = recoverVoterFaster(q, signature);
        expect(fast).to.equal(recoverVoterFast(q, signature));
        expect(fast).to.not.equal(wallet.address);
      }
    });

    it("on malformed signatures and inputs: the same error codes", async () => {
      const { p, signature } = await base();
      const bytes = Buffer.from(signature.slice(2), "hex");
      const withByte = (i: number, v: number) => "0x" + Buffer.from(bytes.map((b, j) => (j === i ? v : b))).toString("hex");
      const highS = "0x" + bytes.subarray(0, 32).toString("hex") + toBeHex((1n << 256n) - 1n - 1n, 32).slice(2) + "1b";
      // r = 5 is no curve point's x: libsecp256k1 finds no key.
      const noPoint = "0x" + toBeHex(5n, 32).slice(2) + bytes.subarray(32).toString("hex");
      const cases: [string, VoteInput, string][] = [
        ["64 bytes", p, "0x" + bytes.subarray(0, 64).toString("hex")],
        ["v = 29", p, withByte(64, 29)],
        ["v = 0", p, withByte(64, 0)],
        ["high s", p, highS],
        ["r = 0", p, "0x" + "00".repeat(32) + bytes.subarray(32).toString("hex")],
        ["r not on the curve", p, noPoint],
        ["not hex", p, "0xzz"],
        ["payload not hex", { ...p, payload: "0x0" }, signature],
        ["negative revision", { ...p, revision: -1 }, signature],
      ];
      for (const [what, q, sig] of cases) {
        const fast = outcome(() => recoverVoterFaster(q, sig)), reference = outcome(() => recoverVoterFast(q, sig));
        expect(fast, what).to.deep.equal(reference);
        if (what !== "r not on the curve") expect(fast, what).to.have.property("code");
      }
    });
  });
});
