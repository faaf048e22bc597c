// protocol/events.ts decodes the logs a real BallotBox emits (PROTOCOL.md §6.5), in both
// shapes readers get them (ethers' Log, raw JSON-RPC with hex numbers); ignores logs that
// are not BallotBox events; and refuses a log that claims a BallotBox event but does not
// decode, naming the log and the block; a sealed ballot's BallotSealed and
// DecryptionShareSubmitted too, in the one encoding solc emits.
import { expect } from "chai";
import { toBeHex, zeroPadValue, type Log, type TransactionReceipt } from "ethers";
import { addressTopic, ballotIdTopic, decodeBallotBoxLog, decodeRejectionReason, EVENT_TOPICS, type RawLog } from "../../protocol/events.js";
import { UrneError } from "../../protocol/errors.js";
import { testBackends } from "../helpers/backends.js";
import { useBallotBoxFixture, voteArg, type BallotBoxFixture } from "../helpers/ballot-box-fixture.js";
import { rpcCall } from "../helpers/rpc.js";
import { sealedFixture } from "../helpers/sealed-ballot-fixture.js";
import { hexlify, type Contract } from "ethers";
import { randomBytes } from "node:crypto";

for (const backend of testBackends()) {
  describe(`protocol/events decodes a real BallotBox's logs (${backend.name})`, function () {
    this.timeout(120_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    before(() => ({ fx } = setup));

    const rawLogs = async (receipt: TransactionReceipt) =>
      ((await rpcCall(fx.rpcUrl, "eth_getTransactionReceipt", [receipt.hash])) as { logs: RawLog[] }).logs;

    it("BallotCreated: every parameter, the organizer and where it was emitted", async () => {
      const ballot = await fx.createBallot({ kind: 1, minChoices: 1, maxChoices: 2, options: ["Parc", "Piste", "Marché"], allowRevote: true });
      const [raw] = (await rawLogs(ballot.receipt)).filter((l) => l.topics[0] === EVENT_TOPICS.BallotCreated);
      const event = decodeBallotBoxLog(raw, fx.deployment.address);
      expect(event).to.deep.equal({
        event: "BallotCreated", ballotId: ballot.id, organizer: fx.organizer.address, params: { ...ballot.params, issuerModulus: ballot.params.issuerModulus.toLowerCase(), issuerKeyProof: ballot.params.issuerKeyProof.toLowerCase() },
        blockNumber: ballot.receipt.blockNumber, blockHash: ballot.receipt.blockHash, transactionHash: ballot.receipt.hash, logIndex: Number(BigInt(raw.logIndex!)),
      });
      // ethers' Log (numbers, `index`) decodes to the same event.
      const log = ballot.receipt.logs.find((l: Log) => l.topics[0] === EVENT_TOPICS.BallotCreated)!;
      expect(decodeBallotBoxLog(log, fx.deployment.address)).to.deep.equal(event);
    });

    it("VoteCast, VoteRejected (its reason naming the §6.2 error) and BallotClosed", async () => {
      const ballot = await fx.createBallot();
      const vote = await fx.signedVote(ballot, "0x01");
      const again = await fx.signedVote(ballot, "0x02", { voter: vote.wallet });
      const receipt = (await (await fx.box.castVotes([voteArg(vote), voteArg(again)])).wait()) as TransactionReceipt;
      const events = (await rawLogs(receipt)).map((l) => decodeBallotBoxLog(l, fx.deployment.address));
      expect(events.map((e) => e?.event)).to.deep.equal(["VoteCast", "VoteRejected"]);
      expect(events[0]).to.deep.include({ event: "VoteCast", vote: voteArg(vote), blockNumber: receipt.blockNumber, transactionHash: receipt.hash });
      const rejected = events[1]!;
      if (rejected.event !== "VoteRejected") throw new Error("expected VoteRejected");
      expect(rejected).to.include({ ballotId: ballot.id, voter: vote.voter, revision: 0 });
      expect(decodeRejectionReason(rejected.reason)).to.deep.equal({ name: "BallotBoxAlreadyVoted", args: [ballot.id, vote.voter] });

      const closing = (await (await fx.box.connect(fx.organizer).getFunction("closeBallot")(ballot.id, 7n)).wait()) as TransactionReceipt;
      const [closed] = (await rawLogs(closing)).map((l) => decodeBallotBoxLog(l, fx.deployment.address));
      const block = await fx.provider.getBlock(closing.blockNumber);
      expect(closed).to.deep.include({ event: "BallotClosed", ballotId: ballot.id, closedAt: BigInt(block!.timestamp), tokensIssued: 7n, votersCount: 1n });
    });

    it("ignores another contract's logs and the BallotBox's other events (AccessControl's RoleGranted)", async () => {
      const deployment = await fx.provider.getTransactionReceipt(fx.deployment.transactionHash);
      const roleLogs = await rawLogs(deployment!);
      expect(roleLogs.length).to.be.greaterThan(0);
      for (const l of roleLogs) expect(decodeBallotBoxLog(l, fx.deployment.address)).to.equal(undefined);
      const ballot = await fx.createBallot();
      const [raw] = await rawLogs(ballot.receipt);
      expect(decodeBallotBoxLog(raw, "0x000000000000000000000000000000000000dEaD")).to.equal(undefined);
    });

    it("refuses a log that claims a BallotBox event and does not decode, naming the log and the block (ERR_INVALID_EVENT)", async () => {
      const ballot = await fx.createBallot();
      const receipt = (await (await fx.box.castVotes([voteArg(await fx.signedVote(ballot, "0x00"))])).wait()) as TransactionReceipt;
      const [raw] = await rawLogs(receipt);
      const truncated = { ...raw, data: raw.data.slice(0, 2 + 64 * 2) };
      let error: unknown;
      try {
        decodeBallotBoxLog(truncated, fx.deployment.address);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(UrneError);
      expect(error).to.include({ code: "ERR_INVALID_EVENT", field: "log" });
      expect((error as Error).message).to.equal(`log ${Number(BigInt(raw.logIndex!))} of block ${receipt.blockNumber} does not decode as a BallotBox event`);
    });

    it("refuses topics the EVM cannot emit: one too many, or not 32 bytes, even where ethers would decode them (ERR_INVALID_EVENT)", async () => {
      const ballot = await fx.createBallot();
      const receipt = (await (await fx.box.castVotes([voteArg(await fx.signedVote(ballot, "0x00"))])).wait()) as TransactionReceipt;
      const [raw] = await rawLogs(receipt);
      const [topic0, id, voter] = raw.topics;
      expect(decodeBallotBoxLog(raw, fx.deployment.address)?.event).to.equal("VoteCast");
      for (const topics of [[topic0, id, voter, voter], [topic0, "0x01" + id.slice(2), voter], [topic0, id.slice(0, -2), "0x00" + voter.slice(2)], [topic0, id]]) {
        expect(() => decodeBallotBoxLog({ ...raw, topics }, fx.deployment.address), JSON.stringify(topics)).to.throw(UrneError).with.property("code", "ERR_INVALID_EVENT");
      }
    });

    describe("a sealed ballot's events", () => {
      /** A sealed ballot closed early, one trustee's (arbitrary) share posted: its BallotSealed and DecryptionShareSubmitted logs, raw. */
      async function sealedLogs() {
        const sx = sealedFixture(fx);
        const ballot = await sx.createSealedBallot();
        await (await (fx.box.connect(fx.organizer) as Contract).closeBallot(ballot.id, 0n)).wait();
        const trustee = ballot.trustees[1];
        await sx.fund(trustee);
        const tallyDigest = hexlify(randomBytes(32));
        const share = hexlify(randomBytes(2 * 33 + 64)); // 3 options: 2 cells
        const posted = (await (await (fx.box.connect(trustee.wallet) as Contract).submitDecryptionShare(ballot.id, tallyDigest, share)).wait()) as TransactionReceipt;
        const [sealedLog] = (await rawLogs(ballot.receipt)).filter((l) => l.topics[0] === EVENT_TOPICS.BallotSealed);
        const [shareLog] = await rawLogs(posted);
        return { ballot, trustee, tallyDigest, share, posted, sealedLog, shareLog };
      }

      it("BallotSealed right after BallotCreated, and DecryptionShareSubmitted: every field, where it was emitted", async () => {
        const { ballot, trustee, tallyDigest, share, posted, sealedLog, shareLog } = await sealedLogs();
        const created = (await rawLogs(ballot.receipt)).map((l) => decodeBallotBoxLog(l, fx.deployment.address));
        expect(created.map((e) => e?.event)).to.deep.equal(["BallotCreated", "BallotSealed"]);
        expect(decodeBallotBoxLog(sealedLog, fx.deployment.address)).to.deep.equal({
          event: "BallotSealed", ballotId: ballot.id, electionKey: ballot.sealed.electionKey.toLowerCase(), keyCeremonyDigest: ballot.sealed.keyCeremonyDigest,
          trustees: ballot.sealed.trustees, threshold: 2,
          blockNumber: ballot.receipt.blockNumber, blockHash: ballot.receipt.blockHash, transactionHash: ballot.receipt.hash, logIndex: Number(BigInt(sealedLog.logIndex!)),
        });
        expect(decodeBallotBoxLog(shareLog, fx.deployment.address)).to.deep.equal({
          event: "DecryptionShareSubmitted", ballotId: ballot.id, trustee: trustee.wallet.address, tallyDigest, share,
          blockNumber: posted.blockNumber, blockHash: posted.blockHash, transactionHash: posted.hash, logIndex: Number(BigInt(shareLog.logIndex!)),
        });
      });

      it("refuses, with ERR_INVALID_EVENT naming the log, a wrong number of topics and data that is not the one ABI encoding", async () => {
        const { sealedLog, shareLog } = await sealedLogs();
        const refused = (log: RawLog, why: string) => {
          let error: unknown;
          try {
            decodeBallotBoxLog(log, fx.deployment.address);
          } catch (e) {
            error = e;
          }
          expect(error, why).to.be.instanceOf(UrneError);
          expect(error, why).to.include({ code: "ERR_INVALID_EVENT", field: "log" });
          expect((error as Error).message, why).to.match(/^log \d+ of block \d+ does not decode as a BallotBox event$/);
        };
        const word = (data: string, i: number) => data.slice(2 + 64 * i, 2 + 64 * (i + 1));
        const withWord = (data: string, i: number, w: string) => data.slice(0, 2 + 64 * i) + w + data.slice(2 + 64 * (i + 1));
        // BallotSealed: (bytes electionKey, bytes32 digest, address[] trustees, uint8 threshold) after the id topic.
        const [s0, sId] = sealedLog.topics;
        refused({ ...sealedLog, topics: [s0] }, "no id topic");
        refused({ ...sealedLog, topics: [s0, sId, sId] }, "one topic too many");
        refused({ ...sealedLog, data: sealedLog.data.slice(0, -64) }, "truncated");
        refused({ ...sealedLog, data: sealedLog.data + "00".repeat(32) }, "a word too many");
        expect(BigInt("0x" + word(sealedLog.data, 3))).to.equal(2n);
        refused({ ...sealedLog, data: withWord(sealedLog.data, 3, (0x102n).toString(16).padStart(64, "0")) }, "a threshold above 255, which ethers would mask to 2");
        // DecryptionShareSubmitted: (bytes32 tallyDigest, bytes share) after the id and trustee topics.
        const [d0, dId, dTrustee] = shareLog.topics;
        refused({ ...shareLog, topics: [d0, dId] }, "no trustee topic");
        refused({ ...shareLog, topics: [d0, dId, dTrustee, dTrustee] }, "one topic too many");
        refused({ ...shareLog, topics: [d0, dId, "0x01" + dTrustee.slice(4)] }, "a trustee topic that is no address");
        refused({ ...shareLog, data: shareLog.data.slice(0, 2 + 64 * 3) }, "a share shorter than its length");
        refused({ ...shareLog, data: "0xzz" + shareLog.data.slice(4) }, "not hex");
        // 130 bytes of share: the last word holds 2 of them and 30 bytes of zero padding.
        refused({ ...shareLog, data: withWord(shareLog.data, (shareLog.data.length - 2) / 64 - 1, "ff".repeat(32)) }, "non-zero padding after the share's bytes");
      });
    });
  });
}

describe("protocol/events topics: a ballot id and an address as indexed arguments", () => {
  it("ballotIdTopic: 32 bytes of lower-case hex, as ethers pads the id; refuses what is no uint256", () => {
    for (const id of [0n, 1n, 255n, 256n, 0xabcdefn, 2n ** 255n + 17n, 2n ** 256n - 1n]) {
      expect(ballotIdTopic(id)).to.equal(zeroPadValue(toBeHex(id), 32).toLowerCase());
    }
    expect(() => ballotIdTopic(-1n)).to.throw(UrneError).with.property("code", "ERR_INVALID_INTEGER");
    expect(() => ballotIdTopic(2n ** 256n)).to.throw(UrneError).with.property("code", "ERR_INVALID_INTEGER");
  });

  it("addressTopic: the address left-padded to 32 bytes, lower-case, whatever its spelling", () => {
    const address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    expect(addressTopic(address)).to.equal(zeroPadValue(address.toLowerCase(), 32));
    expect(addressTopic(address.toLowerCase())).to.equal(addressTopic(address));
    expect(() => addressTopic("0x1234")).to.throw(UrneError).with.property("code", "ERR_INVALID_ADDRESS");
  });
});
