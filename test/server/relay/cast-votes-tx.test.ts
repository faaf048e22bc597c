// The relay's hand-made castVotes transaction must be byte for byte what ethers makes:
// the same calldata as Interface.encodeFunctionData, and the same signed raw transaction
// as Wallet.signTransaction (deterministic ECDSA), for payloads of every length around
// the 32-byte word boundaries and for batch sizes from 1 to a full block's worth.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Transaction, Wallet, getAddress, hexlify, keccak256 } from "ethers";
import type { SignedVote } from "../../../protocol/index.js";
import { ballotBoxInterface } from "../../../server/relay/ballot-box-view.js";
import { encodeCastVotes, signCastVotes } from "../../../server/relay/cast-votes-tx.js";

const vote = (payloadLength: number, i: number): SignedVote => ({
  ballotId: i % 2 ? 2n ** 255n + BigInt(i) : BigInt(i),
  voter: getAddress(hexlify(randomBytes(20))),
  revision: i % 3 ? 4294967295 - i : i,
  payload: hexlify(randomBytes(payloadLength)),
  tokenSignature: hexlify(randomBytes(256)),
  voterSignature: hexlify(randomBytes(65)),
});

describe("relay: castVotes transaction bytes", () => {
  it("encodes the calldata exactly as ethers does", () => {
    for (const lengths of [[1], [0, 1, 31, 32, 33, 64, 65], Array.from({ length: 120 }, (_, i) => i % 70)]) {
      const votes = lengths.map(vote);
      expect("0x" + encodeCastVotes(votes).toString("hex")).to.equal(ballotBoxInterface.encodeFunctionData("castVotes", [votes]));
    }
  });

  it("refuses a field that is not hex bytes rather than encode a part of it", () => {
    expect(() => encodeCastVotes([{ ...vote(1, 0), payload: "0x0g" }])).to.throw(TypeError);
    expect(() => encodeCastVotes([{ ...vote(1, 0), voterSignature: "0x123" }])).to.throw(TypeError);
  });

  it("signs the very raw transaction ethers signs, with its hash", async () => {
    const wallet = new Wallet(hexlify(randomBytes(32)));
    for (const [count, nonce, tip] of [[1, 0, 0n], [50, 1, 1n], [300, 70_000, 10n ** 9n]] as const) {
      const votes = Array.from({ length: count }, (_, i) => vote(1 + (i % 6), i));
      const data = encodeCastVotes(votes);
      const fields = {
        chainId: 31337n, nonce, to: getAddress(hexlify(randomBytes(20))), gasLimit: 30_000_000n, maxPriorityFeePerGas: tip, maxFeePerGas: 3n * 10n ** 9n + tip,
      };
      const mine = signCastVotes(wallet.signingKey, { ...fields, data });
      const theirs = await wallet.signTransaction({ type: 2, ...fields, data: "0x" + data.toString("hex"), value: 0n });
      expect(mine.raw).to.equal(theirs);
      expect(mine.hash).to.equal(keccak256(theirs));
      const parsed = Transaction.from(mine.raw);
      expect(parsed.from).to.equal(wallet.address);
      expect(parsed.nonce).to.equal(nonce);
    }
  });
});
