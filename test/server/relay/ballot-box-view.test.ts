// BallotBoxView.voteOf reads the voter's record from storage (protocol/voter-record.ts, the
// slot from the compiler's storage layout), the reads of one event-loop turn as one JSON-RPC
// batch: its answers must be the contract's own (voteOf through ethers' Contract), for
// voters who voted, revoted or never voted, on public and sealed ballots (whose records hold
// a tracker above the revision), in batches larger than one request holds, and a node that
// does not answer must fail every waiting read.
import { expect } from "chai";
import { BallotBoxView } from "../../../server/relay/ballot-box-view.js";
import { JsonRpcProvider, Network } from "ethers";
import { freePort } from "../../helpers/free-port.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { randomVoter } from "../../helpers/ballot-box-fixture.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";
import { JsonRpcClient } from "../../../protocol/json-rpc.js";
import { BallotKind } from "../../../protocol/index.js";
import { sealedFixture } from "../../helpers/sealed-ballot-fixture.js";

for (const backend of testBackends()) {
  describe(`relay: BallotBoxView.voteOf from storage, in JSON-RPC batches (${backend.name})`, function () {
    this.timeout(120_000);
    let chain: TestChain;
    let rf: RelayFixture;
    before(async () => {
      chain = await backend.start();
      rf = await relayFixture(chain);
    });
    after(async () => {
      await rf?.close();
      await chain?.stop();
    });

    it("answers as the contract does, for 150 voters at once (two batches)", async () => {
      const { fx } = rf;
      const ballot = await fx.createBallot({ allowRevote: true });
      const once = randomVoter();
      const twice = randomVoter();
      for (const v of [await fx.signedVote(ballot, "0x00", { voter: once }), await fx.signedVote(ballot, "0x01", { voter: twice })]) {
        expect((await rf.settled((await rf.post(voteBody(v))).body.receiptId)).status).to.equal("final");
      }
      const revote = await rf.post(voteBody(await fx.signedVote(ballot, "0x02", { voter: twice, revision: 3 })));
      expect((await rf.settled(revote.body.receiptId)).status).to.equal("final");

      const voters = [once.address, twice.address, ...Array.from({ length: 148 }, () => randomVoter().address)];
      const view = new BallotBoxView(fx.provider, fx.deployment.address, new JsonRpcClient(chain.rpcUrl));
      const got = await Promise.all(voters.map((v) => view.voteOf(ballot.id, v)));
      const expected = await Promise.all(voters.map(async (v) => {
        const [voted, revision] = await fx.box.voteOf(ballot.id, v);
        return voted ? { revision: Number(revision) } : undefined;
      }));
      expect(got).to.deep.equal(expected);
      expect(got.slice(0, 3)).to.deep.equal([{ revision: 0 }, { revision: 3 }, undefined]);
      // An unknown ballot: the contract reverts, its storage holds no record (the relay asks only for ballots it read).
      expect(await view.voteOf(ballot.id + 1000n, once.address)).to.equal(undefined);

      // A sealed ballot's record holds the tracker above the revision: the same answers.
      const sf = sealedFixture(fx);
      const sealed = await sf.createSealedBallot({ allowRevote: true });
      const sealedVoter = randomVoter();
      for (const revision of [0, 2]) {
        const { payload } = sf.seal(sealed, sealedVoter.address, { kind: BallotKind.SingleChoice, option: revision % 3 });
        const answer = await rf.post(voteBody(await fx.signedVote(sealed, payload, { voter: sealedVoter, revision })));
        expect((await rf.settled(answer.body.receiptId)).status).to.equal("final");
      }
      expect(await view.voteOf(sealed.id, sealedVoter.address)).to.deep.equal({ revision: 2 });
      const [voted, revision] = await fx.box.voteOf(sealed.id, sealedVoter.address);
      expect([voted, Number(revision)]).to.deep.equal([true, 2]);
      expect(await view.voteOf(sealed.id, randomVoter().address)).to.equal(undefined);
    });

    it("fails every waiting call when the node does not answer", async () => {
      // Nobody listens on this port: every request fails at once.
      const network = Network.from(rf.fx.chainId);
      const nowhere = `http://127.0.0.1:${await freePort()}`;
      const provider = new JsonRpcProvider(nowhere, network, { staticNetwork: network, batchMaxCount: 1 });
      const view = new BallotBoxView(provider, rf.fx.deployment.address, new JsonRpcClient(nowhere));
      const results = await Promise.allSettled([1, 2, 3].map(() => view.voteOf(1n, randomVoter().address)));
      expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected"]);
      provider.destroy();
    });
  });
}
