// The ballot fingerprint of PROTOCOL.md §6.7, pinned to the test vector the document gives
// and recomputed a second way: the six 32-byte words written out by hand (not ethers' ABI
// coder, which ballotFingerprint uses) and hashed with keccak256Bytes of
// protocol/keccak.node.ts, the Keccak team's reference sponge wherever its prebuilt binary
// loads (ethers' keccak256 only where none does).
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { concat, getBytes, hexlify, toBeHex, toUtf8Bytes, zeroPadValue } from "ethers";
import { ballotFingerprint, FINGERPRINT_DOMAIN, isFingerprint, sealedLogAfter } from "../../protocol/ballot-fingerprint.js";
import type { BallotParams } from "../../protocol/ballot.js";
import { ballotBoxInterface, EVENT_TOPICS, type RawLog } from "../../protocol/events.js";
import { keccak256Bytes } from "../../protocol/keccak.node.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/protocol-v1.json", import.meta.url), "utf8")) as {
  chainId: string;
  ballotBox: string;
  ballots: (Omit<BallotParams, "opensAt" | "closesAt"> & { ballotId: string; opensAt: string; closesAt: string })[];
};

/** Anvil's test account #0: the organizer of the vector's ballot in this test. */
const ORGANIZER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
// The values PROTOCOL.md §6.7 prints.
const DATA_HASH = "0xdfa7a9ade8dd54d108afe262167f7b363e57049a2f5daa107b7bd14616be525b";
const FINGERPRINT = "0x48553050820ded8f615dcbb119ee418310756254f9a63353e0a84e651d24d849";

const keccak = (data: Uint8Array | string) => hexlify(keccak256Bytes(getBytes(data)));

/** The BallotCreated log of the vector's first ballot, encoded as the contract emits it. */
function vectorLog(): Pick<RawLog, "address" | "topics" | "data"> {
  const { ballotId, ...rest } = vectors.ballots[0];
  const params: BallotParams = { ...rest, opensAt: BigInt(rest.opensAt), closesAt: BigInt(rest.closesAt) };
  const { topics, data } = ballotBoxInterface.encodeEventLog("BallotCreated", [BigInt(ballotId), ORGANIZER, params]);
  return { address: vectors.ballotBox, topics, data };
}

describe("ballot fingerprint (PROTOCOL.md §6.7)", () => {
  it('FINGERPRINT_DOMAIN is keccak256("urne.ballot-fingerprint.v1")', () => {
    expect(FINGERPRINT_DOMAIN).to.equal(keccak(toUtf8Bytes("urne.ballot-fingerprint.v1")));
  });

  it("is the keccak256 of the six 32-byte words of §6.7, and equals the document's test vector", () => {
    const log = vectorLog();
    expect(log.topics[0]).to.equal(EVENT_TOPICS.BallotCreated);
    expect(keccak(log.data)).to.equal(DATA_HASH);
    const words = concat([
      keccak(toUtf8Bytes("urne.ballot-fingerprint.v1")),
      toBeHex(BigInt(vectors.chainId), 32),
      zeroPadValue(vectors.ballotBox, 32),
      toBeHex(BigInt(vectors.ballots[0].ballotId), 32),
      zeroPadValue(ORGANIZER, 32),
      DATA_HASH,
    ]);
    expect(getBytes(words).length).to.equal(192);
    expect(keccak(words)).to.equal(FINGERPRINT);
    expect(ballotFingerprint(BigInt(vectors.chainId), log)).to.equal(FINGERPRINT);
    expect(isFingerprint(FINGERPRINT)).to.equal(true);
  });

  it("changes with the chain, the ballot box, the ballot id, the organizer and any byte of the event data", () => {
    const log = vectorLog();
    const chainId = BigInt(vectors.chainId);
    const other = (l: Pick<RawLog, "address" | "topics" | "data">, id = chainId) => ballotFingerprint(id, l);
    const flipLast = (hex: string) => hex.slice(0, -1) + (hex.endsWith("0") ? "1" : "0");
    expect(other(log, chainId + 1n)).to.not.equal(FINGERPRINT);
    expect(other({ ...log, address: "0x0000000000000000000000000000000000000001" })).to.not.equal(FINGERPRINT);
    expect(other({ ...log, topics: [log.topics[0], toBeHex(2n, 32), log.topics[2]] })).to.not.equal(FINGERPRINT);
    expect(other({ ...log, topics: [log.topics[0], log.topics[1], flipLast(log.topics[2])] })).to.not.equal(FINGERPRINT);
    expect(other({ ...log, data: flipLast(log.data) })).to.not.equal(FINGERPRINT);
  });

  it("refuses a log that is not a BallotCreated with its two indexed topics", () => {
    const log = vectorLog();
    expect(() => ballotFingerprint(1n, { ...log, topics: [EVENT_TOPICS.VoteCast, log.topics[1], log.topics[2]] })).to.throw(TypeError);
    expect(() => ballotFingerprint(1n, { ...log, topics: log.topics.slice(0, 2) })).to.throw(TypeError);
  });

  it("covers a sealed ballot's BallotSealed event: another election key beside the same BallotCreated is another fingerprint", () => {
    const log = vectorLog();
    const chainId = BigInt(vectors.chainId);
    const ballotId = BigInt(vectors.ballots[0].ballotId);
    const sealedLog = (electionKey: string) => ({ address: log.address, ...ballotBoxInterface.encodeEventLog("BallotSealed", [ballotId, electionKey, "0x" + "11".repeat(32), [ORGANIZER], 1]) });
    const genuine = sealedLog("0x02" + "22".repeat(32));
    const forged = sealedLog("0x03" + "33".repeat(32));
    const sealed = ballotFingerprint(chainId, log, genuine);
    expect(sealed).to.not.equal(FINGERPRINT);
    expect(ballotFingerprint(chainId, log, forged)).to.not.equal(sealed);
    // Found only right after its BallotCreated, for the same ballot and box.
    expect(sealedLogAfter([log, genuine], 0)).to.equal(genuine);
    expect(sealedLogAfter([log], 0)).to.equal(undefined);
    const otherBallot = { ...genuine, topics: [genuine.topics[0], toBeHex(ballotId + 1n, 32)] };
    expect(sealedLogAfter([log, otherBallot], 0)).to.equal(undefined);
    expect(() => ballotFingerprint(chainId, log, otherBallot)).to.throw(TypeError);
    expect(() => ballotFingerprint(chainId, log, { ...genuine, address: "0x0000000000000000000000000000000000000001" })).to.throw(TypeError);
  });
});
