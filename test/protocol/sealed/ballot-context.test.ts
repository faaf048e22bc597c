// The context every proof of a sealed ballot is bound to (protocol/sealed/ballot-context.ts,
// PROTOCOL.md §11.4): made per voter from the ballot's part encoded once (sealedContexts,
// what the relay and the recount use) it is the very context of sealedContext, which is held
// to ethers' ABI encoding here and to the committed vectors in sealed-vectors.test.ts.
import { expect } from "chai";
import { AbiCoder, Wallet, getBytes, keccak256 } from "ethers";
import { BallotKind } from "../../../protocol/ballot.js";
import { SEALED_DOMAIN, rulesHash, sealedContext, sealedContexts } from "../../../protocol/sealed/ballot-context.js";

const base = {
  chainId: 1970433637n, ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ballotId: 12n,
  electionKeyHash: "0x" + "3c".repeat(32), rules: { kind: BallotKind.MultipleChoice, optionCount: 5, minChoices: 1, maxChoices: 3 },
};

describe("sealed ballots: each voter's context", () => {
  it("per voter from the ballot's part encoded once, equal to the whole encoding", () => {
    const contextOf = sealedContexts(base);
    for (let i = 0; i < 20; i++) {
      const voter = Wallet.createRandom().address;
      const whole = getBytes(keccak256(AbiCoder.defaultAbiCoder().encode(
        ["bytes32", "uint256", "address", "uint256", "bytes32", "bytes32", "address"],
        [SEALED_DOMAIN, base.chainId, base.ballotBox, base.ballotId, base.electionKeyHash, rulesHash(base.rules), voter],
      )));
      expect(contextOf(voter)).to.deep.equal(whole);
      expect(sealedContext({ ...base, voter })).to.deep.equal(whole);
    }
  });

  it("another voter, ballot or rules give another context; a malformed voter is refused by name", () => {
    const contextOf = sealedContexts(base);
    const voter = Wallet.createRandom().address;
    expect(contextOf(voter)).to.not.deep.equal(contextOf(Wallet.createRandom().address));
    expect(contextOf(voter)).to.not.deep.equal(sealedContexts({ ...base, ballotId: 13n })(voter));
    expect(contextOf(voter)).to.not.deep.equal(sealedContexts({ ...base, rules: { ...base.rules, maxChoices: 2 } })(voter));
    expect(() => contextOf("0x1234")).to.throw().with.property("field", "voter");
  });
});
