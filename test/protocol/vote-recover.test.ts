// recoverVoterFast (libsecp256k1, the `secp256k1` package) must answer exactly as
// recoverVoter (ethers' pure-JS secp256k1, an independent implementation): same address,
// same refusals, on valid, tampered and malformed signatures.
import { expect } from "chai";
import { Wallet } from "ethers";
import { recoverVoter, signVote, type VoteInput } from "../../protocol/vote.js";
import { recoverVoterFast } from "../../protocol/vote-recover.node.js";
import { UrneError } from "../../protocol/errors.js";

const BOX = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

function outcome(fn: () => string): string {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UrneError) return error.code;
    throw error;
  }
}

describe("recoverVoterFast (libsecp256k1) agrees with recoverVoter (ethers)", () => {
  const cases: { vote: VoteInput; signature: string; signer: string }[] = [];

  before(async () => {
    for (let i = 0; i < 40; i++) {
      const wallet = Wallet.createRandom();
      const vote: VoteInput = { chainId: BigInt(1 + (i % 3)) * 31337n, ballotBox: BOX, ballotId: BigInt(i + 1), revision: i % 4, payload: `0x${(i % 7).toString(16).padStart(2, "0")}0${i % 5}` };
      cases.push({ vote, signature: await signVote(wallet, vote), signer: wallet.address });
    }
  });

  it("recovers the signer of valid votes", () => {
    for (const { vote, signature, signer } of cases) {
      expect(recoverVoterFast(vote, signature)).to.equal(signer);
      expect(recoverVoter(vote, signature)).to.equal(signer);
    }
  });

  it("recovers the same other address from a tampered vote or signature", () => {
    for (const { vote, signature, signer } of cases.slice(0, 10)) {
      const tampered = [
        { vote: { ...vote, revision: vote.revision + 1 }, signature },
        { vote: { ...vote, ballotId: vote.ballotId + 1n }, signature },
        { vote: { ...vote, chainId: vote.chainId + 1n }, signature },
        { vote, signature: signature.slice(0, 10) + (signature[10] === "0" ? "1" : "0") + signature.slice(11) },
        { vote, signature: signature.slice(0, 130) + (signature.endsWith("1b") ? "1c" : "1b") },
      ];
      for (const t of tampered) {
        const fast = outcome(() => recoverVoterFast(t.vote, t.signature));
        expect(fast).to.equal(outcome(() => recoverVoter(t.vote, t.signature)));
        expect(fast).to.not.equal(signer);
      }
    }
  });

  it("refuses malformed signatures with the same code", () => {
    const { vote, signature } = cases[0];
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt("0x" + signature.slice(66, 130));
    const highS = signature.slice(0, 66) + (n - s).toString(16).padStart(64, "0") + signature.slice(130);
    for (const bad of [signature.slice(0, 128), signature.slice(0, 130) + "00", highS, "0x" + "00".repeat(64) + "1b"]) {
      expect(outcome(() => recoverVoterFast(vote, bad))).to.equal("ERR_INVALID_SIGNATURE");
      expect(outcome(() => recoverVoter(vote, bad))).to.equal("ERR_INVALID_SIGNATURE");
    }
  });
});
