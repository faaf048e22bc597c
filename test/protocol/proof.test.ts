// The proof-of-vote file (PROTOCOL.md §7): strict parsing that names the field.
import { expect } from "chai";
import { MAX_SEALED_PAYLOAD_BYTES } from "../../protocol/sealed/sealed-layout.js";
import { ErrorCode, parseProof, serializeProof, type ProofOfVote } from "../../protocol/index.js";
import { expectUrneError } from "./helpers.js";

const sample = {
  urne: "proof/1",
  chainId: "1970433637",
  ballotBox: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  ballotId: "1",
  voter: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  revision: 0,
  payload: "0x01",
  tokenSignature: "0x" + "ab".repeat(256),
  voterSignature: "0x" + "cd".repeat(64) + "1b",
  transactionHash: "0x" + "11".repeat(32),
  blockNumber: 42,
  blockHash: "0x" + "22".repeat(32),
};

describe("proof of vote", () => {
  it("parses the example of §7, with integers as bigints", () => {
    const p = parseProof(sample);
    expect(p.chainId).to.equal(1970433637n);
    expect(p.ballotId).to.equal(1n);
    expect(p.blockNumber).to.equal(42);
  });

  it("parses a JSON string, and serializeProof writes it back identically", () => {
    const text = JSON.stringify(sample, null, 2) + "\n";
    expect(serializeProof(parseProof(text))).to.equal(text);
  });

  it("serializes canonically: lower-case hex, checksummed addresses, §7 field order", () => {
    const p: ProofOfVote = { ...parseProof(sample), payload: "0xAB", voter: sample.voter.toLowerCase() };
    const out = JSON.parse(serializeProof(p));
    expect(Object.keys(out)).to.deep.equal(Object.keys(sample));
    expect(out.payload).to.equal("0xab");
    expect(out.voter).to.equal(sample.voter);
  });

  it("refuses to serialize an invalid proof", () => {
    expectUrneError(() => serializeProof({ ...parseProof(sample), blockHash: "0x00" }), ErrorCode.ERR_INVALID_HEX, "proof.blockHash");
  });

  describe("rejects", () => {
    for (const [what, value, code, field] of [
      ["invalid JSON", "{", ErrorCode.ERR_INVALID_PROOF, "proof"],
      ["an array", [], ErrorCode.ERR_INVALID_PROOF, "proof"],
      ["null", null, ErrorCode.ERR_INVALID_PROOF, "proof"],
      ["another version", { ...sample, urne: "proof/2" }, ErrorCode.ERR_INVALID_PROOF, "proof.urne"],
      ["an unknown field", { ...sample, ip: "1.2.3.4" }, ErrorCode.ERR_INVALID_PROOF, "proof.ip"],
      ["a missing field", { ...sample, blockHash: undefined }, ErrorCode.ERR_INVALID_PROOF, "proof.blockHash"],
      ["a chain id given as a number", { ...sample, chainId: 1970433637 }, ErrorCode.ERR_INVALID_INTEGER, "proof.chainId"],
      ["a chain id with a leading zero", { ...sample, chainId: "01" }, ErrorCode.ERR_INVALID_INTEGER, "proof.chainId"],
      ["chain id 0", { ...sample, chainId: "0" }, ErrorCode.ERR_INVALID_INTEGER, "proof.chainId"],
      ["ballot id 0 (ids start at 1)", { ...sample, ballotId: "0" }, ErrorCode.ERR_INVALID_INTEGER, "proof.ballotId"],
      ["a bad address", { ...sample, ballotBox: "0x1234" }, ErrorCode.ERR_INVALID_ADDRESS, "proof.ballotBox"],
      ["a bad checksum", { ...sample, voter: sample.voter.replace("C8", "c8") }, ErrorCode.ERR_INVALID_ADDRESS, "proof.voter"],
      ["a revision beyond uint32", { ...sample, revision: 2 ** 32 }, ErrorCode.ERR_INVALID_INTEGER, "proof.revision"],
      ["a revision as a string", { ...sample, revision: "0" }, ErrorCode.ERR_INVALID_INTEGER, "proof.revision"],
      ["an empty payload", { ...sample, payload: "0x" }, ErrorCode.ERR_INVALID_HEX, "proof.payload"],
      ["a payload longer than the longest sealed ballot", { ...sample, payload: "0x" + "00".repeat(MAX_SEALED_PAYLOAD_BYTES + 1) }, ErrorCode.ERR_INVALID_HEX, "proof.payload"],
      ["a token of 255 bytes", { ...sample, tokenSignature: "0x" + "ab".repeat(255) }, ErrorCode.ERR_INVALID_HEX, "proof.tokenSignature"],
      ["a voter signature of 64 bytes", { ...sample, voterSignature: "0x" + "cd".repeat(64) }, ErrorCode.ERR_INVALID_HEX, "proof.voterSignature"],
      ["a short transaction hash", { ...sample, transactionHash: "0x11" }, ErrorCode.ERR_INVALID_HEX, "proof.transactionHash"],
      ["a negative block number", { ...sample, blockNumber: -1 }, ErrorCode.ERR_INVALID_INTEGER, "proof.blockNumber"],
      ["a block number as a string", { ...sample, blockNumber: "42" }, ErrorCode.ERR_INVALID_INTEGER, "proof.blockNumber"],
      ["a block hash without 0x", { ...sample, blockHash: "22".repeat(32) }, ErrorCode.ERR_INVALID_HEX, "proof.blockHash"],
    ] as const) {
      it(`${what} (${code}, ${field})`, () => {
        const input = typeof value === "object" && value !== null && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
          : value;
        expectUrneError(() => parseProof(input), code, field);
      });
    }
  });
});
