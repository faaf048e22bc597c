// The relay's promise, in the simple case: every ballot it acknowledges ends final on
// chain with its transaction and block, the counts are right, and ballots share transactions.
import { expect } from "chai";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { randomVoter } from "../../helpers/ballot-box-fixture.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";

for (const backend of testBackends()) {
  describe(`relay: accepted ballots end final on chain (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: TestChain;
    let rf: RelayFixture;
    const events: string[] = [];
    before(async () => {
      chain = await backend.start();
      rf = await relayFixture(chain, { batchSize: 10, log: (e) => events.push(e) });
    });
    after(async () => {
      await rf?.close();
      await chain?.stop();
    });

    it("answers 202 with a receipt, then settles each receipt final with its tx and block", async () => {
      const { fx } = rf;
      const ballot = await fx.createBallot({ allowRevote: true });
      const choices = Array.from({ length: 40 }, (_, i) => i % 3);
      const votes = await Promise.all(choices.map((c) => fx.signedVote(ballot, `0x0${c}`)));
      const answers = await Promise.all(votes.map((v) => rf.post(voteBody(v))));
      for (const a of answers) {
        expect(a.status).to.equal(202);
        expect(a.body.receiptId).to.match(/^[0-9a-f]{32}$/);
      }
      const receipts = await Promise.all(answers.map((a) => rf.settled(a.body.receiptId)));
      const txs = new Set<string>();
      for (const [i, r] of receipts.entries()) {
        expect(r).to.include({ status: "final", ballotId: ballot.id.toString(), voter: votes[i].voter, revision: 0 });
        const mined = await fx.provider.getTransactionReceipt(r.txHash);
        expect(mined!.blockNumber).to.equal(r.blockNumber);
        txs.add(r.txHash);
      }
      expect(txs.size, "transactions").to.be.below(votes.length / 2);
      expect(((await fx.box.tally(ballot.id)) as bigint[]).map(Number)).to.deep.equal([0, 1, 2].map((c) => choices.filter((x) => x === c).length));
      expect(await fx.box.votersCount(ballot.id)).to.equal(40n);
    });

    it("relays majority-judgment and multiple-choice ballots in full batches (the gas bound holds)", async () => {
      const { fx } = rf;
      const mj = await fx.createBallot({ kind: 2, options: ["Alice", "Bob", "Chloé", "David", "Émile", "Fanny"] });
      const multi = await fx.createBallot({ kind: 1, minChoices: 1, maxChoices: 3, options: ["A", "B", "C", "D", "E", "F", "G", "H", "I"] });
      const votes = await Promise.all(Array.from({ length: 20 }, (_, i) => i % 2
        ? fx.signedVote(mj, Uint8Array.from([0, 1, 2, 3, 4, 5].map((c) => (c + i) % 6)))
        : fx.signedVote(multi, Uint8Array.of(i % 3, 3 + (i % 4), 8))));
      const answers = await Promise.all(votes.map((v) => rf.post(voteBody(v))));
      for (const a of answers) expect((await rf.settled(a.body.receiptId)).status).to.equal("final");
      expect(await fx.box.votersCount(mj.id)).to.equal(10n);
      expect(await fx.box.votersCount(multi.id)).to.equal(10n);
      expect(events).to.not.include("relay.tx_reverted");
    });

    it("relays a revote, which replaces the earlier choice in the counts", async () => {
      const { fx } = rf;
      const ballot = await fx.createBallot({ allowRevote: true });
      const voter = randomVoter();
      const first = await rf.post(voteBody(await fx.signedVote(ballot, "0x00", { voter })));
      expect((await rf.settled(first.body.receiptId)).status).to.equal("final");
      const second = await rf.post(voteBody(await fx.signedVote(ballot, "0x01", { voter, revision: 1 })));
      expect(second.status).to.equal(202);
      expect((await rf.settled(second.body.receiptId)).status).to.equal("final");
      expect(((await fx.box.tally(ballot.id)) as bigint[]).map(Number)).to.deep.equal([0, 1, 0]);
    });
  });
}
