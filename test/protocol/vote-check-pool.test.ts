// The VoteCheckPool runs checkVoteFast in worker threads (the relay's one vote at a time
// here; the recount's batches in test/observer/recount-faulty-box.test.ts and
// mirror-blocks.test.ts): its verdicts must be checkVote's with the canonical primitives,
// error names and arguments included, and answered by the threads themselves; a check that
// throws throws the very same error; and a closed pool still checks (on the main thread).
import { expect } from "chai";
import { checkVote, UrneError, type SignedVote } from "../../protocol/index.js";
import { checkVoteFast } from "../../protocol/vote-check.node.js";
import { VoteCheckPool } from "../../protocol/vote-check-pool.node.js";
import { BallotBoxView } from "../../server/relay/ballot-box-view.js";
import { testBackends, type TestChain } from "../helpers/backends.js";
import { ballotBoxFixture, randomVoter, type BallotBoxFixture } from "../helpers/ballot-box-fixture.js";
import { JsonRpcClient } from "../../protocol/json-rpc.js";

describe("checkVoteFast and the VoteCheckPool (checkVoteFast in worker threads)", function () {
  this.timeout(120_000);
  let chain: TestChain;
  let fx: BallotBoxFixture;
  before(async () => {
    chain = await testBackends()[0].start();
    fx = await ballotBoxFixture(chain);
  });
  after(async () => {
    fx?.destroy();
    await chain?.stop();
  });

  it("gives checkVote's verdict for good and bad votes, in a worker and after close()", async () => {
    const b = await fx.createBallot();
    const ballot = await new BallotBoxView(fx.provider, fx.deployment.address, new JsonRpcClient(chain.rpcUrl)).ballot(b.id);
    const good = await fx.signedVote(b, "0x01");
    const otherVoter = { ...good, voter: randomVoter().address }; // the token names the voter: refused for it first
    const badPayload = await fx.signedVote(b, "0x07");
    const ctx = { chainId: fx.chainId, ballotBox: fx.deployment.address, now: await fx.now() };
    const strip = ({ wallet: _w, ...v }: SignedVote & { wallet?: unknown }): SignedVote => v;
    const votes = [good, otherVoter, badPayload].map(strip);

    const pool = new VoteCheckPool(2);
    try {
      const verdicts = await Promise.all(votes.map((v) => pool.check(ballot, v, ctx)));
      expect(verdicts).to.deep.equal(votes.map((v) => checkVote(ballot, v, ctx)));
      // The threads answered, not the fallback on this thread (which gives the same verdicts).
      expect(pool.answeredOnThreads).to.equal(votes.length);
      expect(verdicts.map((v) => (v.ok ? "ok" : v.error))).to.deep.equal(["ok", "BallotBoxInvalidTokenSignature", "BallotBoxInvalidPayloadByte"]);
      expect(await pool.check(undefined, votes[0], ctx)).to.deep.equal(checkVote(undefined, votes[0], ctx));
      // A check that throws on the thread is checked again here, to throw the same error.
      const badVoter = { ...votes[0], voter: "0x1234" };
      const thrown = await pool.check(ballot, badVoter, ctx).then(() => undefined, (e: unknown) => e);
      expect(thrown).to.be.instanceOf(UrneError).with.property("code", "ERR_INVALID_ADDRESS");
    } finally {
      await pool.close();
    }
    expect(await pool.check(ballot, votes[1], ctx)).to.deep.equal(checkVote(ballot, votes[1], ctx));
  });

  it("checkVoteFast (every fast primitive) gives checkVote's verdicts on good, tampered and malformed votes, the ballot box spelled in any case", async () => {
    const b = await fx.createBallot();
    const ballot = await new BallotBoxView(fx.provider, fx.deployment.address, new JsonRpcClient(chain.rpcUrl)).ballot(b.id);
    const strip = ({ wallet: _w, ...v }: SignedVote & { wallet?: unknown }): SignedVote => v;
    const good = strip(await fx.signedVote(b, "0x01"));
    const flip = (hex: string, at: number) => hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);
    const votes: SignedVote[] = [
      good,
      { ...good, voter: randomVoter().address },
      { ...good, voter: good.voter.toLowerCase() },
      { ...good, ballotId: good.ballotId + 1n },
      { ...good, revision: 1 },
      { ...good, payload: "0x02" },
      { ...good, payload: "0x07" },
      { ...good, payload: "0x" },
      { ...good, tokenSignature: flip(good.tokenSignature, 10) },
      { ...good, tokenSignature: "0x" + good.tokenSignature.slice(4) },
      { ...good, voterSignature: flip(good.voterSignature, 10) },
      { ...good, voterSignature: good.voterSignature.slice(0, -2) + "1f" },
      { ...good, voter: "0x1234" },
      { ...good, voter: good.voter.slice(0, 2) + good.voter.slice(2, 3).toLowerCase() + good.voter.slice(3, 4).toUpperCase() + good.voter.slice(4) },
    ];
    const now = await fx.now();
    const outcome = (f: () => unknown) => {
      try {
        return f();
      } catch (error) {
        return { threw: (error as UrneError).code ?? (error as Error).message };
      }
    };
    const boxes = [fx.deployment.address, fx.deployment.address.toLowerCase()];
    for (const ballotBox of boxes) {
      for (const recorded of [undefined, { revision: 0 }]) {
        const ctx = { chainId: fx.chainId, ballotBox, now, recorded };
        for (const [i, vote] of votes.entries()) {
          for (const which of [ballot, undefined]) {
            expect(outcome(() => checkVoteFast(which, vote, ctx)), `vote ${i}, ${ballotBox}, ${JSON.stringify(recorded)}`).to.deep.equal(outcome(() => checkVote(which, vote, ctx)));
          }
        }
      }
    }
    expect(checkVoteFast(ballot, good, { chainId: fx.chainId, ballotBox: fx.deployment.address, now })).to.have.property("ok", true);
  });
});
