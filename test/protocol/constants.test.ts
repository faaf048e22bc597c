// The constants come from the compiler output; the spec fixes their values.
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { BallotKind, MAX_OPTIONS, MJ_GRADE_COUNT, TOKEN_DOMAIN } from "../../protocol/index.js";
import { BallotBoxConstants } from "../../protocol/generated/BallotBox.js";

describe("protocol constants", () => {
  it('TOKEN_DOMAIN is keccak256("urne.token.v1") as PROTOCOL.md §3.1 says, and the contract agrees', () => {
    const spec = keccak256(toUtf8Bytes("urne.token.v1"));
    expect(TOKEN_DOMAIN).to.equal(spec);
    expect(BallotBoxConstants.TOKEN_DOMAIN).to.equal(spec);
  });

  it("the ballot kinds have the values of §2.2", () => {
    expect({ ...BallotKind }).to.deep.equal({ SingleChoice: 0, MultipleChoice: 1, MajorityJudgment: 2 });
  });

  it("MAX_OPTIONS is 64 (§2.2) and MJ_GRADE_COUNT is 6 (§2.3)", () => {
    expect(MAX_OPTIONS).to.equal(64);
    expect(MJ_GRADE_COUNT).to.equal(6);
  });

  it("the contract's Vote type hash is the EIP-712 type of §4", () => {
    expect(BallotBoxConstants.VOTE_TYPEHASH).to.equal(keccak256(toUtf8Bytes("Vote(uint256 ballotId,uint32 revision,bytes payload)")));
  });
});
