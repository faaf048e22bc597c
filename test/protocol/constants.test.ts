// The constants come from the compiler output; the spec fixes their values.
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { BallotKind, ISSUER_KEY_PROOF_ROUNDS, KEY_PROOF_DOMAIN, MAX_OPTIONS, MJ_GRADE_COUNT, TOKEN_DOMAIN } from "../../protocol/index.js";
import { BallotBoxConstants } from "../../protocol/generated/BallotBox.js";

describe("protocol constants", () => {
  it('TOKEN_DOMAIN is keccak256("urne.token.v1") as PROTOCOL.md §3.1 says, and the contract agrees', () => {
    const spec = keccak256(toUtf8Bytes("urne.token.v1"));
    expect(TOKEN_DOMAIN).to.equal(spec);
    expect(BallotBoxConstants.TOKEN_DOMAIN).to.equal(spec);
  });

  it('KEY_PROOF_DOMAIN is keccak256("urne.issuer-key-proof.v1") and ISSUER_KEY_PROOF_ROUNDS is 10 (§2.5)', () => {
    expect(KEY_PROOF_DOMAIN).to.equal(keccak256(toUtf8Bytes("urne.issuer-key-proof.v1")));
    expect(BallotBoxConstants.KEY_PROOF_DOMAIN).to.equal(KEY_PROOF_DOMAIN);
    expect(ISSUER_KEY_PROOF_ROUNDS).to.equal(10);
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
