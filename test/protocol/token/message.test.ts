import { expect } from "chai";
import { concat, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from "ethers";
import { ErrorCode, tokenMessage, toHex } from "../../../protocol/index.js";
import { expectUrneError } from "../helpers.js";
import { BALLOT_BOX } from "./fixtures.js";

const VOTER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("tokenMessage", () => {
  it("is the 160-byte abi.encode of domain, chainId, ballotBox, ballotId, voter (§3.1)", () => {
    const m = tokenMessage({ chainId: 1970433637n, ballotBox: BALLOT_BOX, ballotId: 7n, voter: VOTER });
    // Built word by word, independently of AbiCoder.
    const expected = concat([
      keccak256(toUtf8Bytes("urne.token.v1")),
      toBeHex(1970433637n, 32),
      zeroPadValue(BALLOT_BOX, 32),
      toBeHex(7n, 32),
      zeroPadValue(VOTER, 32),
    ]);
    expect(m.length).to.equal(160);
    expect(toHex(m)).to.equal(expected.toLowerCase());
  });

  it("does not depend on the case of the addresses", () => {
    const a = tokenMessage({ chainId: 1n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: VOTER });
    const b = tokenMessage({ chainId: 1n, ballotBox: BALLOT_BOX.toLowerCase(), ballotId: 1n, voter: VOTER.toLowerCase() });
    expect(toHex(a)).to.equal(toHex(b));
  });

  it("differs in every bound field", () => {
    const base = { chainId: 1n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: VOTER };
    const variants = [base, { ...base, chainId: 2n }, { ...base, ballotBox: VOTER }, { ...base, ballotId: 2n }, { ...base, voter: BALLOT_BOX }];
    expect(new Set(variants.map((v) => toHex(tokenMessage(v)))).size).to.equal(5);
  });

  it("rejects a malformed address naming the field", () => {
    expectUrneError(() => tokenMessage({ chainId: 1n, ballotBox: "0x1234", ballotId: 1n, voter: VOTER }), ErrorCode.ERR_INVALID_ADDRESS, "ballotBox");
    expectUrneError(() => tokenMessage({ chainId: 1n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: "bob" }), ErrorCode.ERR_INVALID_ADDRESS, "voter");
  });

  it("rejects chain id 0 and out-of-range integers", () => {
    expectUrneError(() => tokenMessage({ chainId: 0n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: VOTER }), ErrorCode.ERR_INVALID_INTEGER, "chainId");
    expectUrneError(() => tokenMessage({ chainId: 1n, ballotBox: BALLOT_BOX, ballotId: 2n ** 256n, voter: VOTER }), ErrorCode.ERR_INVALID_INTEGER, "ballotId");
  });

});
