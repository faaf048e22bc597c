// Two revisions of one voter arriving at the same instant are handled one after the other,
// in arrival order: the later revision is checked against the earlier one once that one
// is journaled, so it is never journaled (hence never packed) before it, and an earlier
// revision that arrives second is refused as stale, as the contract would refuse it.
import { expect } from "chai";
import { UrneError } from "../../../protocol/index.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { randomVoter } from "../../helpers/ballot-box-fixture.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";

for (const backend of testBackends()) {
  describe(`relay: one voter's revisions at the same instant (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: TestChain;
    let rf: RelayFixture;
    before(async () => {
      chain = await backend.start();
      rf = await relayFixture(chain, { batchSize: 10 });
    });
    after(async () => {
      await rf?.close();
      await chain?.stop();
    });

    it("journals revision 0 then revision 1, in that order, and counts revision 1", async () => {
      const { fx, relay } = rf;
      const ballot = await fx.createBallot({ allowRevote: true });
      const voter = randomVoter();
      const r0 = voteBody(await fx.signedVote(ballot, "0x00", { voter }));
      const r1 = voteBody(await fx.signedVote(ballot, "0x02", { voter, revision: 1 }));
      // Same tick, no await in between: both are in flight together.
      const [a0, a1] = await Promise.all([relay.accept(r0), relay.accept(r1)]);
      const [j0, j1] = await Promise.all([relay.journal.receipt(a0.receiptId), relay.journal.receipt(a1.receiptId)]);
      expect(j0!.seq, "revision 0 journaled first").to.be.below(j1!.seq);
      const [s0, s1] = [await rf.settled(a0.receiptId), await rf.settled(a1.receiptId)];
      expect([s0.status, s1.status]).to.deep.equal(["final", "final"]);
      expect(s0.blockNumber).to.be.at.most(s1.blockNumber);
      expect(await fx.box.voteOf(ballot.id, voter.address)).to.deep.equal([true, 1n]);
      expect(((await fx.box.tally(ballot.id)) as bigint[]).map(Number)).to.deep.equal([0, 0, 1]);
    });

    it("refuses revision 0 as stale when revision 1 arrived just before it", async () => {
      const { fx, relay } = rf;
      const ballot = await fx.createBallot({ allowRevote: true });
      const voter = randomVoter();
      const r0 = voteBody(await fx.signedVote(ballot, "0x00", { voter }));
      const r1 = voteBody(await fx.signedVote(ballot, "0x01", { voter, revision: 1 }));
      const [a1, a0] = await Promise.allSettled([relay.accept(r1), relay.accept(r0)]);
      expect(a1.status).to.equal("fulfilled");
      expect(a0.status).to.equal("rejected");
      const error = (a0 as PromiseRejectedResult).reason as UrneError;
      expect(error).to.be.instanceOf(UrneError);
      expect(error.code).to.equal("ERR_STALE_REVISION");
      const id = (a1 as PromiseFulfilledResult<{ receiptId: string }>).value.receiptId;
      expect((await rf.settled(id)).status).to.equal("final");
      expect(await fx.box.voteOf(ballot.id, voter.address)).to.deep.equal([true, 1n]);
    });

    it("still answers twins (the very same ballot twice at once) with one receipt", async () => {
      const { fx, relay } = rf;
      const ballot = await fx.createBallot({ allowRevote: true });
      const body = voteBody(await fx.signedVote(ballot, "0x01"));
      const [a, b] = await Promise.all([relay.accept(body), relay.accept({ ...body })]);
      expect(a.receiptId).to.equal(b.receiptId);
      expect((await rf.settled(a.receiptId)).status).to.equal("final");
    });
  });
}
