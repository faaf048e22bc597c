// checkVote is the off-chain copy of the contract's rules (PROTOCOL.md §6.2): for a batch
// of good and bad votes, its verdict must be exactly the contract's, error name, arguments
// and ABI bytes included. The batch goes through castVotes, whose votes are processed in
// order, and checkVote replays it with the recorded revisions it builds up the same way.
import { expect } from "chai";
import type { LogDescription, TransactionReceipt } from "ethers";
import { checkVote, toHex, type SignedVote } from "../../protocol/index.js";
import { BallotBoxView } from "../../server/relay/ballot-box-view.js";
import { testBackends } from "../helpers/backends.js";
import { useBallotBoxFixture, randomVoter, voteArg, type BallotBoxFixture } from "../helpers/ballot-box-fixture.js";
import { JsonRpcClient } from "../../protocol/json-rpc.js";

for (const backend of testBackends()) {
  describe(`checkVote agrees with BallotBox (${backend.name})`, function () {
    this.timeout(180_000);
    const setup = useBallotBoxFixture(backend);
    let fx: BallotBoxFixture;
    before(() => ({ fx } = setup));

    it("gives the contract's verdict on every vote of a mixed batch", async () => {
      const t = await fx.now();
      const single = await fx.createBallot();
      const other = await fx.createBallot();
      const multi = await fx.createBallot({ kind: 1, minChoices: 1, maxChoices: 2, options: ["A", "B", "C"], allowRevote: true });
      const mj = await fx.createBallot({ kind: 2, options: ["Alice", "Bob"] });
      const later = await fx.createBallot({ opensAt: t + 3600n, closesAt: t + 7200n });
      const closed = await fx.createBallot();
      await (await fx.box.connect(fx.organizer).getFunction("closeBallot")(closed.id, 10n)).wait();

      const voter = randomVoter();
      const reviser = randomVoter();
      const firstVote = await fx.signedVote(single, "0x00", { voter });
      const bad = await fx.signedVote(single, "0x01");
      const sigBytes = Buffer.from(bad.voterSignature.slice(2), "hex");
      sigBytes[64] = 29;
      const votes: SignedVote[] = [
        firstVote,
        { ...(await fx.signedVote(single, "0x00")), payload: "0x01" }, // tampered after signing
        await fx.signedVote(single, "0x01", { voter: randomVoter(), tokenSignature: "0x" + "00".repeat(256) }),
        await (async () => {
          const w = randomVoter(); // a token for another ballot of the same issuer
          return fx.signedVote(single, "0x01", { voter: w, tokenSignature: toHex(fx.issueToken(other.issuer, other.id, w.address)) });
        })(),
        { ...bad, voterSignature: "0x" + sigBytes.toString("hex") }, // v = 29: recovers nothing
        await fx.signedVote(single, "0x03"), // option out of range
        await fx.signedVote(single, "0x0001"), // too long
        await fx.signedVote(multi, "0x0201"), // not increasing
        await fx.signedVote(multi, "0x"), // too short
        await fx.signedVote(mj, "0x0506"), // grade 6 does not exist
        await fx.signedVote(mj, "0x0105"),
        await fx.signedVote(single, "0x02", { voter }), // same voter again, no revote
        await fx.signedVote(multi, "0x01", { voter: reviser }),
        await fx.signedVote(multi, "0x0002", { voter: reviser, revision: 3 }),
        await fx.signedVote(multi, "0x02", { voter: reviser, revision: 3 }), // stale
        await fx.signedVote(later, "0x00"),
        await fx.signedVote(closed, "0x00"),
        await fx.signedVote({ ...single, id: 999n }, "0x00"),
      ];
      const receipt = (await (await fx.box.castVotes(votes.map(voteArg))).wait()) as TransactionReceipt;
      const now = BigInt((await fx.provider.getBlock(receipt.blockNumber))!.timestamp);
      const events = receipt.logs.map((l) => fx.iface.parseLog(l)).filter((e): e is LogDescription => e !== null);
      expect(events).to.have.length(votes.length);

      const view = new BallotBoxView(fx.provider, fx.deployment.address, new JsonRpcClient(fx.rpcUrl), 0);
      const recorded = new Map<string, { revision: number }>(); // the batch's own effect, vote after vote
      const verdicts: string[] = [];
      for (const [i, vote] of votes.entries()) {
        const ballot = await view.ballot(vote.ballotId);
        const key = `${vote.ballotId}/${vote.voter}`;
        const verdict = checkVote(ballot, vote, { chainId: fx.chainId, ballotBox: fx.deployment.address, now, recorded: recorded.get(key) });
        const event = events[i];
        if (verdict.ok) {
          expect(event.name, `vote ${i}`).to.equal("VoteCast");
          recorded.set(key, { revision: vote.revision });
          verdicts.push("ok");
        } else {
          expect(event.name, `vote ${i} (${verdict.error})`).to.equal("VoteRejected");
          const onChain = fx.iface.parseError(event.args.reason)!;
          expect({ name: verdict.error, args: verdict.args }, `vote ${i}`).to.deep.equal({ name: onChain.name, args: [...onChain.args] });
          expect(fx.iface.encodeErrorResult(verdict.error, verdict.args)).to.equal(event.args.reason);
          verdicts.push(verdict.error);
        }
      }
      // Every rule was exercised, in the contract's order.
      expect(verdicts).to.deep.equal([
        "ok", "BallotBoxInvalidVoterSignature", "BallotBoxInvalidTokenSignature", "BallotBoxInvalidTokenSignature",
        "BallotBoxInvalidVoterSignature", "BallotBoxInvalidPayloadByte", "BallotBoxInvalidPayloadLength",
        "BallotBoxInvalidPayloadByte", "BallotBoxInvalidPayloadLength", "BallotBoxInvalidPayloadByte", "ok",
        "BallotBoxAlreadyVoted", "ok", "ok", "BallotBoxStaleRevision", "BallotBoxNotOpenYet", "BallotBoxClosed",
        "BallotBoxUnknownBallot",
      ]);
    });

    it("names the vote field at fault", async () => {
      const single = await fx.createBallot();
      const view = new BallotBoxView(fx.provider, fx.deployment.address, new JsonRpcClient(fx.rpcUrl), 0);
      const ballot = await view.ballot(single.id);
      const ctx = { chainId: fx.chainId, ballotBox: fx.deployment.address, now: await fx.now() };
      const vote = await fx.signedVote(single, "0x01");
      const verdict = (v: SignedVote) => {
        const r = checkVote(ballot, v, ctx);
        return r.ok ? "ok" : r.field;
      };
      expect(verdict(vote)).to.equal("ok");
      expect(verdict({ ...vote, payload: "0x07" })).to.equal("payload[0]");
      expect(verdict({ ...vote, payload: "0x0101" })).to.equal("payload");
      expect(verdict({ ...vote, tokenSignature: "0x" + "11".repeat(256) })).to.equal("tokenSignature");
      expect(verdict({ ...vote, payload: "0x02" })).to.equal("voterSignature");
      expect(checkVote(undefined, vote, ctx)).to.deep.include({ ok: false, field: "ballotId" });
    });
  });
}
