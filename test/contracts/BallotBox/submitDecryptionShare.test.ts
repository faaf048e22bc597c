// BallotBox.submitDecryptionShare (PROTOCOL.md §11.6, §11.9): a trustee named at creation,
// once the ballot is closed, once, a share of 33·cells + 64 bytes; and the ballot's
// organizer once, its operator share (§11.7). The contract cannot check
// the share's proof: the shares it emits are checked and combined off chain, here by
// protocol/sealed's openTally, which must open the counts of the ballots cast.
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { getBytes, hexlify, keccak256, toBeHex, zeroPadValue, type Contract, type LogDescription, type TransactionReceipt } from "ethers";
import { BallotKind, toHex } from "../../../protocol/index.js";
import { decodeDecryptionShare, encodeDecryptionShare, makeDecryptionShare } from "../../../protocol/sealed/decryption-share.js";
import { addCiphertexts } from "../../../protocol/sealed/elgamal.js";
import { decodeSealedPayload } from "../../../protocol/sealed/sealed-payload.js";
import { openTally } from "../../../protocol/sealed/threshold-decryption.js";
import { testBackends } from "../../helpers/backends.js";
import { useBallotBoxFixture, randomVoter, voteArg, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { expectRevert } from "../../helpers/contract-errors.js";
import { sealedFixture, type SealedFixture, type SealedTestBallot, type Trustee } from "../../helpers/sealed-ballot-fixture.js";

for (const backend of testBackends()) {
  describe(`BallotBox.submitDecryptionShare (${backend.name})`, function () {
    this.timeout(180_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    let sx: SealedFixture;
    before(() => {
      fx = setup.fx;
      sx = sealedFixture(fx);
    });

    const events = (receipt: TransactionReceipt): LogDescription[] =>
      receipt.logs.map((l) => fx.iface.parseLog(l)).filter((e): e is LogDescription => e !== null);
    const asTrustee = (t: Trustee) => fx.box.connect(t.wallet) as Contract;
    const closeEarly = async (b: SealedTestBallot) => (await (await (fx.box.connect(fx.organizer) as Contract).closeBallot(b.id, 0n)).wait())!;
    /** A share of the right length for `cells` cells (its contents do not matter to the contract). */
    const someShare = (cells: number) => hexlify(randomBytes(cells * 33 + 64));
    const digest = () => hexlify(randomBytes(32));

    /** A 3-option sealed ballot with `choices` cast, then closed early; its trustees funded. */
    async function closedBallot(choices: number[]) {
      const ballot = await sx.createSealedBallot();
      const votes = await Promise.all(choices.map(async (option) => {
        const voter = randomVoter();
        return voteArg(await fx.signedVote(ballot, sx.seal(ballot, voter.address, { kind: BallotKind.SingleChoice, option }).payload, { voter }));
      }));
      if (votes.length) await (await fx.box.castVotes(votes)).wait();
      await closeEarly(ballot);
      for (const t of ballot.trustees) await sx.fund(t);
      return ballot;
    }

    it("takes each trustee's share once the ballot is closed, emits it, and t of them open the counts of the ballots cast", async () => {
      const choices = [0, 2, 2, 1, 2, 0, 2];
      const ballot = await closedBallot(choices);
      // What a trustee does off chain: the aggregates of the counted ballots, read from the chain.
      const cast = await fx.provider.getLogs({ address: fx.deployment.address, topics: [fx.iface.getEvent("VoteCast")!.topicHash, zeroPadValue(toBeHex(ballot.id), 32)], fromBlock: 0 });
      const cells = cast.map((l) => decodeSealedPayload(ballot.rules, getBytes(fx.iface.parseLog(l)!.args.payload)).cells);
      expect(cells).to.have.length(choices.length);
      expect(cells[0]).to.have.length(2); // 3 options: option 2 has no cell (PROTOCOL.md §11.2)
      const aggregates = [0, 1].map((k) => addCiphertexts(cells.map((c) => c[k])));
      const tallyDigest = keccak256(randomBytes(32));
      const posted: LogDescription[] = [];
      for (const t of [ballot.trustees[2], ballot.trustees[0]]) {
        const share = makeDecryptionShare({ tallyDigest: getBytes(tallyDigest), verificationKey: t.verificationKey, aggregates: aggregates.map((a) => a.A) }, t.secret);
        const bytes = encodeDecryptionShare(share);
        expect(bytes.length).to.equal(2 * 33 + 64);
        const emitted = events((await (await asTrustee(t).submitDecryptionShare(ballot.id, tallyDigest, bytes)).wait())!);
        expect(emitted.map((e) => [e.name, ...e.args])).to.deep.equal([["DecryptionShareSubmitted", ballot.id, t.wallet.address, tallyDigest, toHex(bytes)]]);
        posted.push(emitted[0]);
      }
      // Anyone, from the events alone.
      const byAddress = new Map(ballot.trustees.map((t) => [t.wallet.address, t]));
      const opened = openTally({
        rules: ballot.rules, tallyDigest: getBytes(tallyDigest), aggregates, ballots: cells.length, threshold: 2,
        shares: posted.map((e) => {
          const t = byAddress.get(e.args.trustee as string)!;
          return { identifier: t.identifier, verificationKey: t.verificationKey, share: decodeDecryptionShare(getBytes(e.args.share), 2, "share") };
        }),
      });
      expect(opened).to.deep.include({ status: "opened", counts: [2, 1, 4], refused: [] });
    });

    it("takes a share once the ballot is closed by time, without closeBallot", async () => {
      const t = await fx.now();
      const ballot = await sx.createSealedBallot({ kind: 2, options: ["Alice", "Bob"], opensAt: t - 7200n, closesAt: t - 1n });
      await sx.fund(ballot.trustees[1]);
      const emitted = events((await (await asTrustee(ballot.trustees[1]).submitDecryptionShare(ballot.id, digest(), someShare(10))).wait())!);
      expect(emitted.map((e) => e.name)).to.deep.equal(["DecryptionShareSubmitted"]);
      expect(getBytes(emitted[0].args.share).length).to.equal(10 * 33 + 64); // 2 candidates, 5 cells each
    });

    it("takes the organizer's operator share once, after the close, beside the trustees'", async () => {
      const ballot = await closedBallot([1]);
      const asOrganizer = fx.box.connect(fx.organizer) as Contract;
      const tallyDigest = digest();
      const emitted = events((await (await asOrganizer.submitDecryptionShare(ballot.id, tallyDigest, someShare(2))).wait())!);
      expect(emitted.map((e) => [e.name, e.args.ballotId, e.args.trustee, e.args.tallyDigest])).to.deep.equal([["DecryptionShareSubmitted", ballot.id, fx.organizer.address, tallyDigest]]);
      await expectRevert(fx.iface, asOrganizer.submitDecryptionShare.staticCall(ballot.id, digest(), someShare(2)), "BallotBoxShareAlreadySubmitted", [ballot.id, fx.organizer.address]);
      // The trustees' shares are apart from it.
      await asTrustee(ballot.trustees[0]).submitDecryptionShare.staticCall(ballot.id, tallyDigest, someShare(2));
      // Not before the close.
      const open = await sx.createSealedBallot();
      await expectRevert(fx.iface, asOrganizer.submitDecryptionShare.staticCall(open.id, digest(), someShare(2)), "BallotBoxNotClosed", [open.id, open.params.closesAt]);
    });

    describe("reverts", () => {
      it("before the close", async () => {
        const ballot = await sx.createSealedBallot();
        await expectRevert(fx.iface, asTrustee(ballot.trustees[0]).submitDecryptionShare.staticCall(ballot.id, digest(), someShare(2)),
          "BallotBoxNotClosed", [ballot.id, ballot.params.closesAt]);
      });

      it("from an account that is neither one of the ballot's trustees nor its organizer: another organizer, another ballot's trustee", async () => {
        const ballot = await closedBallot([1]);
        const other = await closedBallot([]);
        for (const account of [fx.admin, other.trustees[0].wallet]) {
          await expectRevert(fx.iface, (fx.box.connect(account) as Contract).submitDecryptionShare.staticCall(ballot.id, digest(), someShare(2)),
            "BallotBoxNotTrustee", [ballot.id, account.address]);
        }
      });

      it("for a ballot that is not sealed (it has no trustees), or does not exist", async () => {
        const plain = await fx.createBallot();
        await (await (fx.box.connect(fx.organizer) as Contract).closeBallot(plain.id, 0n)).wait();
        await expectRevert(fx.iface, (fx.box.connect(fx.organizer) as Contract).submitDecryptionShare.staticCall(plain.id, digest(), someShare(2)),
          "BallotBoxNotTrustee", [plain.id, fx.organizer.address]);
        const unknown = ((await fx.box.ballotCount()) as bigint) + 1n;
        await expectRevert(fx.iface, fx.box.submitDecryptionShare.staticCall(unknown, digest(), someShare(2)), "BallotBoxUnknownBallot", [unknown]);
      });

      it("a share that is not 33·cells + 64 bytes", async () => {
        const ballot = await closedBallot([0]);
        const trustee = asTrustee(ballot.trustees[0]);
        for (const length of [0, 129, 131, 33 * 2, 3 * 33 + 64]) {
          await expectRevert(fx.iface, trustee.submitDecryptionShare.staticCall(ballot.id, digest(), hexlify(randomBytes(length))),
            "BallotBoxInvalidShareLength", [BigInt(length), 130n]);
        }
      });

      it("a second share of the same trustee, even for another tally digest", async () => {
        const ballot = await closedBallot([2]);
        const trustee = ballot.trustees[1];
        await (await asTrustee(trustee).submitDecryptionShare(ballot.id, digest(), someShare(2))).wait();
        await expectRevert(fx.iface, asTrustee(trustee).submitDecryptionShare.staticCall(ballot.id, digest(), someShare(2)),
          "BallotBoxShareAlreadySubmitted", [ballot.id, trustee.wallet.address]);
        // The other trustees still can.
        await asTrustee(ballot.trustees[2]).submitDecryptionShare.staticCall(ballot.id, digest(), someShare(2));
      });
    });
  });
}
