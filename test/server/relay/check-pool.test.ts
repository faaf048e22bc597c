// The relay's CheckPool runs checkVote in worker threads: its verdicts must be checkVote's,
// error names and arguments included, and a closed pool still checks (on the main thread).
import { expect } from "chai";
import { checkVote, type SignedVote } from "../../../protocol/index.js";
import { BallotBoxView } from "../../../server/relay/ballot-box-view.js";
import { CheckPool } from "../../../server/relay/check-pool.js";
import { testBackends, type TestChain } from "../../helpers/backends.js";
import { ballotBoxFixture, randomVoter, type BallotBoxFixture } from "../../helpers/ballot-box-fixture.js";

describe("relay CheckPool (checkVote in worker threads)", function () {
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
    const ballot = await new BallotBoxView(fx.provider, fx.deployment.address).ballot(b.id);
    const good = await fx.signedVote(b, "0x01");
    const otherVoter = { ...good, voter: randomVoter().address }; // the token names the voter: refused for it first
    const badPayload = await fx.signedVote(b, "0x07");
    const ctx = { chainId: fx.chainId, ballotBox: fx.deployment.address, now: await fx.now() };
    const strip = ({ wallet: _w, ...v }: SignedVote & { wallet?: unknown }): SignedVote => v;
    const votes = [good, otherVoter, badPayload].map(strip);

    const pool = new CheckPool(2);
    try {
      const verdicts = await Promise.all(votes.map((v) => pool.check(ballot, v, ctx)));
      expect(verdicts).to.deep.equal(votes.map((v) => checkVote(ballot, v, ctx)));
      expect(verdicts.map((v) => (v.ok ? "ok" : v.error))).to.deep.equal(["ok", "BallotBoxInvalidTokenSignature", "BallotBoxInvalidPayloadByte"]);
      expect(await pool.check(undefined, votes[0], ctx)).to.deep.equal(checkVote(undefined, votes[0], ctx));
    } finally {
      await pool.close();
    }
    expect(await pool.check(ballot, votes[1], ctx)).to.deep.equal(checkVote(ballot, votes[1], ctx));
  });
});
