// BallotBoxView.voteOf sends the calls of one event-loop turn as one JSON-RPC batch,
// encoded and decoded by hand: its answers must be the contract's own (voteOf through
// ethers' Contract), for voters who voted, revoted or never voted, in batches larger than
// one request holds, and a node that does not answer must fail every waiting call.
import { expect } from "chai";
import { BallotBoxView } from "../../../server/relay/ballot-box-view.js";
import { JsonRpcProvider, Network } from "ethers";
import { freePort } from "../../helpers/free-port.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { randomVoter } from "../../helpers/ballot-box-fixture.js";
import { relayFixture, voteBody, type RelayFixture } from "./relay-fixture.js";
import { JsonRpcClient } from "../../../protocol/json-rpc.js";

for (const backend of testBackends()) {
  describe(`relay: BallotBoxView.voteOf in JSON-RPC batches (${backend.name})`, function () {
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
      // An unknown ballot: the contract reverts, and so does this call (the relay asks only for known ballots).
      const unknown = await Promise.allSettled([view.voteOf(ballot.id + 1000n, once.address), fx.box.voteOf(ballot.id + 1000n, once.address)]);
      expect(unknown.map((r) => r.status)).to.deep.equal(["rejected", "rejected"]);
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
