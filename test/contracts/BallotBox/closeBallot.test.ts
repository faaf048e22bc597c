// BallotBox.closeBallot (PROTOCOL.md §6.4).
import { expect } from "chai";
import type { Contract, LogDescription, TransactionReceipt } from "ethers";
import { testBackends } from "../../helpers/backends.js";
import { useBallotBoxFixture, voteArg, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";
import { expectRevert } from "../../helpers/contract-errors.js";

for (const backend of testBackends()) {
  describe(`BallotBox.closeBallot (${backend.name})`, function () {
    this.timeout(120_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    before(() => ({ fx } = setup));

    const asOrganizer = () => fx.box.connect(fx.organizer) as Contract;

    it("records the closing time and the tokens issued, and emits BallotClosed with the voters count", async () => {
      const ballot = await fx.createBallot();
      for (const option of ["0x00", "0x01"]) await (await fx.box.castVote(voteArg(await fx.signedVote(ballot, option)))).wait();
      const receipt: TransactionReceipt = await (await asOrganizer().closeBallot(ballot.id, 5n)).wait();
      const closedAt = BigInt((await fx.provider.getBlock(receipt.blockNumber))!.timestamp);
      const events = receipt.logs.map((l) => fx.iface.parseLog(l)).filter((e): e is LogDescription => e !== null);
      expect(events.map((e) => [e.name, ...e.args])).to.deep.equal([["BallotClosed", ballot.id, closedAt, 5n, 2n]]);
      const info = await fx.box.ballot(ballot.id);
      expect([info.closedAt, info.tokensIssued, info.votersCount]).to.deep.equal([closedAt, 5n, 2n]);
      expect(await fx.box.tally(ballot.id)).to.deep.equal([1n, 1n, 0n]);
    });

    it("closes a ballot after its closing time, to record the tokens issued", async () => {
      const t = await fx.now();
      const ballot = await fx.createBallot({ opensAt: t - 7200n, closesAt: t - 3600n });
      await (await asOrganizer().closeBallot(ballot.id, 0n)).wait();
      expect((await fx.box.ballot(ballot.id)).closedAt >= t).to.equal(true);
    });

    describe("reverts", () => {
      it("if the ballot does not exist", async () => {
        const id = ((await fx.box.ballotCount()) as bigint) + 1n;
        await expectRevert(fx.iface, asOrganizer().closeBallot.staticCall(id, 0n), "BallotBoxUnknownBallot", [id]);
      });

      it("if the caller is not the ballot's organizer, even an admin or another organizer", async () => {
        const ballot = await fx.createBallot();
        for (const account of [fx.outsider, fx.admin, fx.relayer]) {
          await expectRevert(fx.iface, (fx.box.connect(account) as Contract).closeBallot.staticCall(ballot.id, 0n),
            "BallotBoxNotOrganizer", [ballot.id, account.address]);
        }
        const other = await fx.createBallot({}, { from: fx.admin });
        await expectRevert(fx.iface, asOrganizer().closeBallot.staticCall(other.id, 0n), "BallotBoxNotOrganizer", [other.id, fx.organizer.address]);
      });

      it("if the ballot is already closed, keeping the first record", async () => {
        const ballot = await fx.createBallot();
        await (await asOrganizer().closeBallot(ballot.id, 3n)).wait();
        const { closedAt } = await fx.box.ballot(ballot.id);
        await expectRevert(fx.iface, asOrganizer().closeBallot.staticCall(ballot.id, 4n), "BallotBoxAlreadyClosed", [ballot.id, closedAt]);
        expect((await fx.box.ballot(ballot.id)).tokensIssued).to.equal(3n);
      });
    });
  });
}
