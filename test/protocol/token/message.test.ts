// tokenMessage is written byte by byte (protocol/token/message.ts); ethers' ABI coder is the
// independent oracle it is held to, on random inputs.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { AbiCoder, Wallet, concat, hexlify, keccak256, toBeHex, toUtf8Bytes, zeroPadValue } from "ethers";
import { parseAddressFast } from "../../../protocol/keccak.node.js";
import { TOKEN_DOMAIN } from "../../../protocol/constants.js";
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

  it("is ethers' ABI encoding on random inputs, with either address parser", () => {
    const randomAddress = () => new Wallet(hexlify(randomBytes(32))).address;
    const randomUint = (bytes: number) => BigInt(hexlify(randomBytes(bytes)));
    for (let i = 0; i < 200; i++) {
      const p = {
        chainId: i === 0 ? (1n << 256n) - 1n : randomUint(1 + (i % 32)) + 1n, ballotBox: randomAddress(),
        ballotId: i === 1 ? 0n : randomUint(1 + (i % 32)), voter: i % 2 ? randomAddress() : randomAddress().toLowerCase(),
      };
      const oracle = AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256", "address", "uint256", "address"], [TOKEN_DOMAIN, p.chainId, p.ballotBox, p.ballotId, p.voter]);
      expect(toHex(tokenMessage(p))).to.equal(oracle);
      expect(toHex(tokenMessage(p, parseAddressFast))).to.equal(oracle);
    }
  });

  it("refuses a bad EIP-55 checksum with either address parser", () => {
    const at = VOTER.search(/[a-fA-F]/);
    const flipped = VOTER.slice(0, at) + (VOTER[at] === VOTER[at].toUpperCase() ? VOTER[at].toLowerCase() : VOTER[at].toUpperCase()) + VOTER.slice(at + 1);
    for (const parse of [undefined, parseAddressFast]) {
      expectUrneError(() => tokenMessage({ chainId: 1n, ballotBox: BALLOT_BOX, ballotId: 1n, voter: flipped }, parse), ErrorCode.ERR_INVALID_ADDRESS, "voter");
    }
  });
});
